"""The local playground: the real bot against a Slack stand-in that ships with the product."""
