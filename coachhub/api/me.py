"""GET /me: who the token acts as."""

from flask import g

from coachhub.api import bp, json_response, operation  # noqa: F401
from coachhub.api import schemas as s


@operation(
    "/me", summary="The member and practice this token acts for", tag="Tokens", response=s.Me()
)
def me():
    member, token = g.membership, g.api_token
    return json_response(
        s.Me().dump(
            {
                "member_id": member.id,
                "name": member.user.name,
                "email": member.user.email,
                "role": member.role.value,
                "practice": g.practice.slug,
                "scope": token.scope.value,
                "token_expires_at": token.expires_at,
            }
        )
    )
