from enum import StrEnum


class HelpIds(StrEnum):
    COMMAND = "/sns-help"
