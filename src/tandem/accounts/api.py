
from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from tandem.accounts import services
from tandem.core import authz

router = Router(tags=["account"])


class MeOut(Schema):
    username: str
    employee_id: str | None
    full_name: str | None
    roles: list[str]


class TokenIn(Schema):
    name: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class TokenCreated(TokenOut):
    token: str


@router.get("/me", response=MeOut, summary="Who am I")
def me(request: HttpRequest):
    actor = authz.actor_for(request.user)
    p = actor.person
    return MeOut(
        username=request.user.get_username(),
        employee_id=p.employee_id if p else None,
        full_name=p.full_name if p else None,
        roles=actor.roles,
    )


@router.get("/tokens", response=list[TokenOut], summary="My API tokens")
def token_list(request: HttpRequest):
    return request.user.api_tokens.filter(revoked_at=None)


@router.post("/tokens", response={201: TokenCreated}, summary="Create an API token (the secret is shown once)")
def token_create(request: HttpRequest, payload: TokenIn):
    token, raw = services.api_token_create(user=request.user, name=payload.name)
    return Status(201, TokenCreated(
        id=token.id, name=token.name, prefix=token.prefix, created_at=token.created_at,
        last_used_at=None, token=raw,
    ))


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke an API token")
def token_revoke(request: HttpRequest, token_id: int):
    services.api_token_revoke(user=request.user, token_id=token_id)
    return Status(204, None)
