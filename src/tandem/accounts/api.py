
from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.pagination import paginate

from tandem.core.schemas import PageNumberPagination
from ninja import Field, Path, Router, Schema
from ninja.responses import Status

from tandem.accounts import services
from tandem.accounts.auth import is_token_request
from tandem.accounts.models import TokenScope
from tandem.core import authz
from tandem.core.errors import Forbidden

router = Router(tags=["account"])


class MeOut(Schema):
    username: str
    employee_id: str | None
    full_name: str | None
    roles: list[str]


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=80)
    scope: TokenScope = Field(TokenScope.READ_WRITE, description="read_write, or read (GET only)")
    expires_at: datetime | None = Field(None, description="When the token stops working (at most five years "
                                                          "ahead); none: until revoked")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scope: TokenScope
    created_at: datetime
    expires_at: datetime | None
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
@paginate(PageNumberPagination, page_size=50)
def token_list(request: HttpRequest):
    return services.api_tokens_of(user=request.user)


@router.post("/tokens", response={201: TokenCreated},
             summary="Create an API token (the secret is shown once; from a signed-in session only)")
def token_create(request: HttpRequest, payload: TokenIn):
    if is_token_request(request):
        raise Forbidden(_("A token cannot create tokens: sign in to create one."), code="token_cannot_create_tokens")
    token, raw = services.api_token_create(user=request.user, name=payload.name, scope=payload.scope,
                                           expires_at=payload.expires_at)
    return Status(201, TokenCreated(
        id=token.id, name=token.name, prefix=token.prefix, scope=token.scope, created_at=token.created_at,
        expires_at=token.expires_at, last_used_at=None, token=raw,
    ))


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke an API token")
def token_revoke(request: HttpRequest, token_id: int = Path(..., ge=1, le=2**63 - 1)):
    services.api_token_revoke(user=request.user, token_id=token_id)
    return Status(204, None)
