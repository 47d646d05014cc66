"""Account operations without the web: register, sign in, find users, reset passwords, invite
producer members.

Links carry signed tokens (itsdangerous) made with the app's secret, passed in by the caller.
A reset token embeds a fingerprint of the current password hash, so it stops working once used;
an invitation stops working once its e-mail has an account.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from core.db import db
from core.text import clean_text

from .errors import EmailTaken, InvalidToken, NotAllowed
from .models import Role, User

PASSWORD_RESET_SALT = "password-reset"  # noqa: S105 - a salt name, not a secret
INVITATION_SALT = "producer-invitation"
PASSWORD_RESET_MAX_AGE = 60 * 60  # one hour
INVITATION_MAX_AGE = 7 * 24 * 60 * 60  # one week
MIN_PASSWORD_LENGTH = 10


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(
        select(User).where(func.lower(User.email) == clean_text(email).lower())
    )


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def authenticate(email: str, password: str) -> User | None:
    """The active account with this e-mail and password, else None (whichever was wrong)."""
    user = find_user_by_email(email)
    if user is None or not user.is_active or not user.check_password(password):
        return None
    return user


def register_buyer(*, email: str, name: str, password: str) -> User:
    """A new buyer account; EmailTaken if the e-mail already has one. Flushes."""
    email = clean_text(email).lower()
    if find_user_by_email(email) is not None:
        raise EmailTaken()
    user = User(email=email, name=clean_text(name))
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def _serializer(secret_key: str, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=salt)


def _password_fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _load(secret_key: str, salt: str, token: str, max_age: int) -> dict:
    try:
        data = _serializer(secret_key, salt).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        raise InvalidToken() from None
    if not isinstance(data, dict):
        raise InvalidToken()
    return data


def make_password_reset_token(user: User, *, secret_key: str) -> str:
    return _serializer(secret_key, PASSWORD_RESET_SALT).dumps(
        {"uid": user.id, "pw": _password_fingerprint(user)}
    )


def user_for_password_reset(token: str, *, secret_key: str) -> User:
    """The user a reset link belongs to; InvalidToken when forged, expired or already used."""
    data = _load(secret_key, PASSWORD_RESET_SALT, token, PASSWORD_RESET_MAX_AGE)
    user = db.session.get(User, data.get("uid")) if isinstance(data.get("uid"), int) else None
    if user is None or not user.is_active or data.get("pw") != _password_fingerprint(user):
        raise InvalidToken()
    return user


def reset_password(token: str, new_password: str, *, secret_key: str) -> User:
    """Set a new password from a reset link (the link is spent by the change). Flushes."""
    user = user_for_password_reset(token, secret_key=secret_key)
    user.set_password(new_password)
    db.session.flush()
    return user


@dataclass(frozen=True)
class Invitation:
    producer_id: int
    email: str
    inviter_id: int


def make_invitation_token(inviter: User, email: str, *, secret_key: str) -> str:
    """An owner invites `email` to join their producer."""
    if not (inviter.is_owner and inviter.producer_id and inviter.role == Role.PRODUCER.value):
        raise NotAllowed()
    email = clean_text(email).lower()
    if find_user_by_email(email) is not None:
        raise EmailTaken()
    return _serializer(secret_key, INVITATION_SALT).dumps(
        {"producer_id": inviter.producer_id, "email": email, "by": inviter.id}
    )


def read_invitation(token: str, *, secret_key: str) -> Invitation:
    """The invitation behind a link, if still good: signed, fresh, inviter still the owner."""
    data = _load(secret_key, INVITATION_SALT, token, INVITATION_MAX_AGE)
    try:
        invitation = Invitation(int(data["producer_id"]), str(data["email"]), int(data["by"]))
    except (KeyError, TypeError, ValueError):
        raise InvalidToken() from None
    inviter = db.session.get(User, invitation.inviter_id)
    if (
        inviter is None
        or not inviter.is_active
        or not inviter.is_owner
        or inviter.producer_id != invitation.producer_id
    ):
        raise InvalidToken()
    if find_user_by_email(invitation.email) is not None:
        raise InvalidToken()  # already accepted
    return invitation


def accept_invitation(token: str, *, name: str, password: str, secret_key: str) -> User:
    """Create the invited member's account. Flushes."""
    invitation = read_invitation(token, secret_key=secret_key)
    user = User(
        email=invitation.email,
        name=clean_text(name),
        role=Role.PRODUCER.value,
        producer_id=invitation.producer_id,
        is_owner=False,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def producer_members(producer_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.producer_id == producer_id).order_by(User.id)
        ).all()
    )


def create_admin(email: str, name: str, password: str) -> User:
    """Create a program-staff (admin) account, or promote an existing one. The caller commits."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    normalized = clean_text(email).lower()
    user = find_user_by_email(normalized)
    if user is None:
        user = User(email=normalized, name=clean_text(name))
        db.session.add(user)
    user.role = Role.ADMIN.value
    user.producer_id = None
    user.set_password(password)
    db.session.flush()
    return user
