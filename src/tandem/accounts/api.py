from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import ConfigDict

from tandem.accounts import services
from tandem.accounts.auth import is_token_request
from tandem.accounts.models import TokenScope
from tandem.core import authz
from tandem.core.errors import Forbidden
from tandem.core.schemas import (
    SINGLE_LINE_REFUSED,
    DbId,
    PageNumberPagination,
    SingleLine,
    StrictBool,
    not_blank_pattern,
    single_line_matching,
)

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


# -- invitations (issue 14 §1) -----------------------------------------------------------------


class InvitationOut(Schema):
    id: int
    employee_id: str = Field(..., alias="person.employee_id")
    full_name: str = Field(..., alias="person.full_name")
    email: str
    state: str = Field(..., description="pending, expired, accepted or revoked")
    sent_at: datetime
    sent_count: int
    expires_at: datetime
    accepted_at: datetime | None

    @staticmethod
    def resolve_state(obj) -> str:
        from django.utils import timezone

        return obj.state(timezone.now())


EmployeeId = single_line_matching(not_blank_pattern(SINGLE_LINE_REFUSED))


class InvitationsIn(Schema):
    # The rule invitations_create enforces, in the document: one or more employee IDs, or a program,
    # not both and not neither (issue 13: ``{}``, ``{"employee_ids": []}`` and ``[""]`` were valid by
    # it, and a 400). An ID is not blank (a blank one was skipped, so ``[""]`` invited no one).
    model_config = ConfigDict(json_schema_extra={"oneOf": [
        {"required": ["employee_ids"], "properties": {"employee_ids": {"minItems": 1}, "program_id": {"type": "null"}}},
        {"required": ["program_id"], "properties": {"program_id": {"type": "integer"}, "employee_ids": {"maxItems": 0}}},
    ]})

    employee_ids: list[EmployeeId] = Field(default_factory=list, max_length=5000,
                                           description="Whom to invite (matched whatever their case)")
    program_id: DbId | None = Field(None, description="Or everyone enrolled in this program (one you manage)")
    resend: StrictBool = Field(False, description="Send again to people whose invitation is still open")


class SkippedOut(Schema):
    employee_id: str
    reason: str


class InvitationsSent(Schema):
    sent: int
    resent: int
    skipped: list[SkippedOut]


class InvitationFilter(Schema):
    state: str = Field("", pattern="^(|pending|expired|accepted|revoked)$")
    q: SingleLine = Field("", max_length=100)


def _inviter(request: HttpRequest) -> authz.Actor:
    actor = authz.actor_for(request.user)
    authz.require(authz.can_manage_invitations(actor))
    return actor


@router.get("/invitations", response=list[InvitationOut], summary="Invitations to sign in (HR; a PM: their programs' people)")
@paginate(PageNumberPagination, page_size=50)
def invitation_list(request: HttpRequest, filters: Query[InvitationFilter]):
    from tandem.accounts import invitation_services as inv

    return inv.invitations_visible(actor=_inviter(request), state=filters.state, q=filters.q.strip())


@router.post("/invitations", response={201: InvitationsSent},
             summary="Invite people to sign in: each gets a one-time link by e-mail, in their language")
def invitations_create(request: HttpRequest, payload: InvitationsIn):
    from tandem.accounts import invitation_services as inv
    from tandem.core.errors import NotFound, ValidationFailed

    actor = _inviter(request)
    if bool(payload.employee_ids) == bool(payload.program_id):
        raise ValidationFailed({"employee_ids": [_("Give either employee IDs or a program, not both.")]})
    if payload.program_id:
        from tandem.programs.selectors import program_get

        program = program_get(program_id=payload.program_id)
        if program is None or not authz.can_view_program(actor, program):
            raise NotFound()
        authz.require(authz.can_manage_program(actor, program))
        people = inv.program_people(program=program)
    else:
        people, unknown = inv.people_by_employee_ids(payload.employee_ids)
        if unknown:
            raise ValidationFailed({"employee_ids": [_("No one has the employee ID %(id)s.") % {"id": u[:40]}
                                                     for u in unknown[:20]]})
    result = inv.invitations_send(people=people, actor=actor, resend=payload.resend)
    return Status(201, InvitationsSent(sent=result.sent, resent=result.resent,
                                       skipped=[SkippedOut(employee_id=e, reason=str(r)) for e, r in result.skipped]))


@router.post("/invitations/{invitation_id}/resend", response=InvitationOut,
             summary="Send an open invitation again (a new link; the old one stops working)")
def invitation_resend(request: HttpRequest, invitation_id: DbId):
    from tandem.accounts import invitation_services as inv

    actor = _inviter(request)
    found = inv.invitation_get(actor=actor, invitation_id=invitation_id)
    return inv.invitation_send(person=found.person, actor=actor)


@router.post("/invitations/{invitation_id}/revoke", response=InvitationOut, summary="Withdraw an open invitation")
def invitation_revoke(request: HttpRequest, invitation_id: DbId):
    from tandem.accounts import invitation_services as inv

    actor = _inviter(request)
    return inv.invitation_revoke(invitation=inv.invitation_get(actor=actor, invitation_id=invitation_id), actor=actor)
