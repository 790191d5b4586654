"""Small value types shared by every app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did it: a person, an API client (channel) or the system itself."""

    kind: str  # "user" | "channel" | "system"
    label: str
    user_id: int | None = None
    channel_id: int | None = None

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(kind="system", label=label)

    @classmethod
    def for_user(cls, user: AbstractBaseUser | AnonymousUser) -> Actor:
        if not getattr(user, "is_authenticated", False):
            return cls.system("anonymous")
        return cls(kind="user", label=user.get_username(), user_id=user.pk)

    @classmethod
    def for_channel(cls, channel_id: int, code: str) -> Actor:
        return cls(kind="channel", label=f"channel:{code}", channel_id=channel_id)

    def __str__(self) -> str:
        return self.label
