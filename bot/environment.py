"""What the process takes from its environment: secrets and deployment addresses."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_CONFIG = "./app.yaml"


@dataclass(frozen=True)
class Environment:
    # Secrets stay out of repr, so a logged Environment leaks nothing.
    bot_token: str | None = field(default=None, repr=False)
    signing_secret: str | None = field(default=None, repr=False)
    app_token: str | None = field(default=None, repr=False)
    api_url: str = DEFAULT_API_URL
    database_url: str | None = None
    config_path: Path = Path(DEFAULT_CONFIG)

    @classmethod
    def from_mapping(cls, env: Mapping[str, str] = os.environ) -> Environment:
        def value(name: str) -> str | None:
            return env.get(name, "").strip() or None

        api_url = value("SLACK_API_URL") or DEFAULT_API_URL
        return cls(
            bot_token=value("SLACK_BOT_TOKEN"),
            signing_secret=value("SLACK_SIGNING_SECRET"),
            app_token=value("SLACK_APP_TOKEN"),
            # slack_sdk joins method names onto the base URL: it must end with a slash.
            api_url=api_url if api_url.endswith("/") else api_url + "/",
            database_url=value("DATABASE_URL"),
            config_path=Path(value("SNS_BOT_CONFIG") or DEFAULT_CONFIG),
        )

    def secrets(self) -> list[str]:
        return [s for s in (self.bot_token, self.signing_secret, self.app_token) if s]
