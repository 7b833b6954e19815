"""The API's shapes: marshmallow schemas that validate requests and make the OpenAPI document."""

from marshmallow import Schema, ValidationError, fields, validate

from coachhub.models import (
    Approach,
    GoalFocus,
    KeepInTouch,
    MeetingFormat,
    TouchKind,
)

MAX_ID = 2**31 - 1


def _storable(value: str) -> None:
    """Text the database can hold: no NUL, valid UTF-8 (no lone surrogates)."""
    if "\x00" in value:
        raise ValidationError("Text cannot contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValidationError("Text must be valid Unicode.") from error


def text(max_length: int, *, required: bool = False, min_length: int = 0, **kw) -> fields.String:
    validators = [validate.Length(min=min_length, max=max_length), _storable]
    if required:
        return fields.String(required=True, validate=validators, **kw)
    return fields.String(load_default="", validate=validators, **kw)


def ident(**kw) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID), **kw)


class ListQuery(Schema):
    cursor = fields.String(
        validate=[validate.Length(max=64), _storable],
        metadata={"description": "The `next_cursor` of the previous page."},
    )
    limit = fields.Integer(validate=validate.Range(min=1, max=100), load_default=25)
    updated_since = fields.AwareDateTime(
        metadata={"description": "Only rows changed at or after this time (RFC 3339)."}
    )


class ClientListQuery(ListQuery):
    client_id = ident(metadata={"description": "Only this client's rows."})


class Problem(Schema):
    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    instance = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.Raw())


class Me(Schema):
    member_id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    role = fields.String(required=True)
    practice = fields.String(required=True, metadata={"description": "The practice's slug."})
    scope = fields.String(required=True)
    token_expires_at = fields.DateTime(allow_none=True)


class Client(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    status = fields.String(required=True)
    coach_id = fields.Integer(allow_none=True, required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class Goal(Schema):
    id = fields.Integer(required=True)
    client_id = fields.Integer(required=True)
    title = fields.String(required=True)
    focus = fields.String(required=True)
    target = fields.String(required=True)
    find_out = fields.String(required=True)
    can_offer = fields.String(required=True)
    target_meetings = fields.Integer(required=True)
    due_on = fields.Date(allow_none=True, required=True)
    status = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class GoalIn(Schema):
    client_id = ident(required=True)
    title = text(120, required=True, min_length=1)
    focus = fields.Enum(GoalFocus, by_value=True, required=True)
    target = text(255)
    find_out = text(5000)
    can_offer = text(5000)
    target_meetings = fields.Integer(
        strict=True, validate=validate.Range(min=1, max=100), load_default=5
    )
    due_on = fields.Date(allow_none=True, load_default=None)


class Contact(Schema):
    id = fields.Integer(required=True)
    client_id = fields.Integer(required=True)
    name = fields.String(required=True)
    company = fields.String(required=True)
    title = fields.String(required=True)
    industry = fields.String(required=True)
    email = fields.String(required=True)
    profile_url = fields.String(required=True)
    how_met = fields.String(required=True)
    introduced_by_id = fields.Integer(allow_none=True, required=True)
    cadence_days = fields.Integer(allow_none=True, required=True)
    notes = fields.String(required=True)
    last_touched_on = fields.Date(allow_none=True, required=True)
    touch_due_on = fields.Date(allow_none=True, required=True)
    archived = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class ContactIn(Schema):
    name = text(120, required=True, min_length=1)
    company = text(120)
    title = text(120)
    industry = text(120)
    email = text(254)
    profile_url = text(500)
    how_met = text(255)
    introduced_by_id = fields.Integer(
        strict=True, validate=validate.Range(min=1, max=MAX_ID), allow_none=True, load_default=None
    )
    cadence_days = fields.Integer(
        strict=True, validate=validate.Range(min=1, max=730), allow_none=True, load_default=None
    )
    notes = text(5000)


class Touch(Schema):
    id = fields.Integer(required=True)
    contact_id = fields.Integer(required=True)
    kind = fields.String(required=True)
    touched_on = fields.Date(required=True)
    note = fields.String(required=True)


class TouchIn(Schema):
    kind = fields.Enum(TouchKind, by_value=True, required=True)
    on = fields.Date(load_default=None, allow_none=True)
    note = text(500)


class Review(Schema):
    id = fields.Integer(required=True)
    reviewer_id = fields.Integer(allow_none=True, required=True)
    intent_clarity = fields.Integer(required=True)
    reciprocity = fields.Integer(required=True)
    follow_up = fields.Integer(required=True)
    comment = fields.String(required=True)
    updated_at = fields.DateTime(required=True)


def score() -> fields.Integer:
    return fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=5))


class ReviewIn(Schema):
    intent_clarity = score()
    reciprocity = score()
    follow_up = score()
    comment = text(5000)


class Meeting(Schema):
    id = fields.Integer(required=True)
    client_id = fields.Integer(required=True)
    contact_id = fields.Integer(required=True)
    goal_id = fields.Integer(allow_none=True, required=True)
    met_on = fields.Date(required=True)
    format = fields.String(required=True)
    ask = fields.String(required=True)
    offer = fields.String(required=True)
    learned = fields.String(required=True)
    they_asked = fields.String(required=True)
    introductions = fields.String(required=True)
    approach = fields.String(allow_none=True, required=True)
    reflection = fields.String(required=True)
    keep_in_touch = fields.String(required=True)
    follow_up_action = fields.String(required=True)
    follow_up_due_on = fields.Date(allow_none=True, required=True)
    follow_up_done_on = fields.Date(allow_none=True, required=True)
    is_weak = fields.Boolean(required=True)
    archived = fields.Boolean(required=True)
    review = fields.Nested(Review, allow_none=True, required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class MeetingIn(Schema):
    contact_id = ident(required=True, metadata={"description": "One of the client's contacts."})
    goal_id = fields.Integer(
        strict=True, validate=validate.Range(min=1, max=MAX_ID), allow_none=True, load_default=None
    )
    met_on = fields.Date(required=True)
    format = fields.Enum(MeetingFormat, by_value=True, required=True)
    ask = text(5000)
    offer = text(5000)
    learned = text(5000)
    they_asked = text(5000)
    introductions = text(5000)
    approach = fields.Enum(Approach, by_value=True, allow_none=True, load_default=None)
    reflection = text(5000)
    keep_in_touch = fields.Enum(KeepInTouch, by_value=True, load_default=KeepInTouch.NOT_ASKED)
    keep_in_touch_answer = text(255)
    follow_up_action = text(255)
    follow_up_due_on = fields.Date(allow_none=True, load_default=None)


class FollowUp(Schema):
    meeting_id = fields.Integer(required=True)
    client_id = fields.Integer(required=True)
    contact_id = fields.Integer(required=True)
    action = fields.String(required=True)
    due_on = fields.Date(required=True)
    done_on = fields.Date(allow_none=True, required=True)
    state = fields.String(required=True)
    updated_at = fields.DateTime(required=True)


class FollowUpDoneIn(Schema):
    done_on = fields.Date(allow_none=True, load_default=None)
    kind = fields.Enum(TouchKind, by_value=True, allow_none=True, load_default=None)


class PulsePart(Schema):
    label = fields.String(required=True)
    detail = fields.String(required=True)
    points = fields.Float(required=True)
    max_points = fields.Integer(required=True)


class Pulse(Schema):
    score = fields.Integer(required=True)
    parts = fields.List(fields.Nested(PulsePart), required=True)


class Checkin(Schema):
    id = fields.Integer(required=True)
    client_id = fields.Integer(required=True)
    due_on = fields.Date(required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    status = fields.String(required=True)
    contacts_kept = fields.Integer(required=True)
    new_contacts = fields.Integer(required=True)
    events_attended = fields.Integer(required=True)
    concerns = fields.String(required=True)
    rating_pulse = fields.Integer(allow_none=True, required=True)
    rating_realism = fields.Integer(allow_none=True, required=True)
    rating_security = fields.Integer(allow_none=True, required=True)
    submitted_at = fields.DateTime(allow_none=True, required=True)
    coach_comment = fields.String(required=True)
    pulse = fields.Nested(Pulse, allow_none=True, required=True)
    updated_at = fields.DateTime(required=True)


class ActionItem(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    due_on = fields.Date(required=True)
    done_on = fields.Date(allow_none=True, required=True)


class Session(Schema):
    id = fields.Integer(required=True)
    client_id = fields.Integer(required=True)
    coach_id = fields.Integer(required=True)
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    status = fields.String(required=True)
    location = fields.String(required=True)
    video_url = fields.String(required=True)
    shared_notes = fields.String(required=True)
    action_items = fields.List(fields.Nested(ActionItem), required=True)
    updated_at = fields.DateTime(required=True)


def page_of(item: type[Schema]) -> type[Schema]:
    """The list envelope: `data` and the cursor of the next page (null on the last)."""
    return type(
        f"{item.__name__}Page",
        (Schema,),
        {
            "data": fields.List(fields.Nested(item), required=True),
            "next_cursor": fields.String(allow_none=True, required=True),
        },
    )
