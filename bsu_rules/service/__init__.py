"""The HTTP decision service (the ``serve`` extra): ``create_app`` builds it, ``bsu-rules serve`` runs it."""

from bsu_rules.service.app import create_app
from bsu_rules.service.request import Limits

__all__ = ["Limits", "create_app"]
