"""Client portal forms: contacts, meeting logs, follow-ups, check-ins."""

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from coachhub.forms import TEXT, member_timezone_field, optional_id
from coachhub.inputs import BaseForm as FlaskForm
from coachhub.models import (
    Approach,
    KeepInTouch,
    LedgerDirection,
    LedgerKind,
    MeetingFormat,
    TouchKind,
)
from coachhub.services.contacts import CONTACT_FIELDS


def _area(label: str, description: str = "", rows: int = 3) -> TextAreaField:
    return TextAreaField(label, validators=TEXT, description=description, render_kw={"rows": rows})


class ContactForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    company = StringField("Company", validators=[Length(max=120)])
    title = StringField("Job title", validators=[Length(max=120)])
    industry = StringField("Industry", validators=[Length(max=120)])
    email = StringField(
        "Email",
        validators=[Optional(), Email(message="Enter a valid email address."), Length(max=254)],
    )
    profile_url = URLField(
        "Profile URL",
        validators=[Optional(), URL(message="Enter a full web address."), Length(max=500)],
    )
    how_met = StringField("How you met", validators=[Length(max=255)])
    introduced_by_contact_id = SelectField(
        "Introduced by", coerce=optional_id, validate_choice=False
    )
    cadence_days = IntegerField(
        "Keep in touch every … days",
        validators=[Optional(), NumberRange(min=1, max=730, message="Between 1 and 730 days.")],
        description="Leave empty for no cadence; past it, the contact shows up as stale.",
    )
    notes = TextAreaField("Notes", validators=TEXT, render_kw={"rows": 3})

    # The form edits exactly the fields the contacts service accepts.
    FIELDS = CONTACT_FIELDS

    def contact_fields(self) -> dict:
        return {
            name: self[name].data or ("" if name not in NULLABLE else None) for name in self.FIELDS
        }


NULLABLE = {"introduced_by_contact_id", "cadence_days"}


class MeetingForm(FlaskForm):
    contact_id = SelectField("Contact", coerce=optional_id, validate_choice=False)
    new_contact_name = StringField("…or a new contact's name", validators=[Length(max=120)])
    new_contact_company = StringField("New contact's company", validators=[Length(max=120)])
    goal_id = SelectField(
        "Goal", coerce=optional_id, validate_choice=False, description="Optional."
    )
    met_on = DateField("Date", validators=[InputRequired(message="When was (or is) the meeting?")])
    format = SelectField(
        "Format",
        choices=[
            SelectChoice(MeetingFormat.COFFEE.value, "Coffee"),
            SelectChoice(MeetingFormat.EVENT.value, "Event"),
            SelectChoice(MeetingFormat.CALL.value, "Call"),
            SelectChoice(MeetingFormat.VIDEO.value, "Video"),
            SelectChoice(MeetingFormat.ONLINE_SOCIAL.value, "Online / social"),
            SelectChoice(MeetingFormat.OTHER.value, "Other"),
        ],
        default=MeetingFormat.COFFEE.value,
    )
    ask = _area("My ask", "What do you want to find out? About a company, people, the industry.")
    offer = _area("My offer", "What can you do for them? An introduction, an article, your skills.")
    learned = _area("What I learned")
    they_asked = _area("What they asked of me")
    introductions = _area("Introductions offered", "Who did they offer to introduce you to?")
    new_introductions = _area(
        "Add them as contacts",
        "One per line, as “Name, Company”: each becomes a contact introduced by this one.",
        rows=2,
    )
    approach = RadioField(
        "How did I come across?",
        choices=[
            SelectChoice(Approach.INFORMATION.value, "Seeking information"),
            SelectChoice(Approach.MIXED.value, "A bit of both"),
            SelectChoice(Approach.JOB_ASKING.value, "Asking for a job"),
        ],
        coerce=lambda v: Approach(v) if v in set(Approach) else None,
        validate_choice=False,
        description="Information, not a job: did you learn about the market, "
        "or ask where the jobs are?",
    )
    reflection = _area("Reflection on my approach", "What would you do differently next time?")
    # Shown only once the form has warned that the ask reads like a job request.
    keep_ask = BooleanField("Keep my ask as it is")
    offer_is_promise = BooleanField(
        "This offer is a promise — remind me",
        description="A follow-up a week after the meeting, until you have kept it.",
    )
    keep_in_touch = RadioField(
        "Asked to keep in touch?",
        choices=[
            SelectChoice(KeepInTouch.NOT_ASKED.value, "Didn't ask"),
            SelectChoice(KeepInTouch.YES.value, "Asked: yes"),
            SelectChoice(KeepInTouch.MAYBE.value, "Asked: maybe"),
            SelectChoice(KeepInTouch.NO.value, "Asked: no"),
        ],
        default=KeepInTouch.NOT_ASKED.value,
    )
    keep_in_touch_answer = StringField("Their answer, in their words", validators=[Length(max=255)])
    follow_up_action = StringField(
        "Follow-up action",
        validators=[Length(max=255)],
        description="e.g. send the article I mentioned, thank-you email.",
    )
    follow_up_due_on = DateField("Follow-up due", validators=[Optional()])
    follow_up_done_on = DateField("Follow-up done on", validators=[Optional()])


TOUCH_KIND_CHOICES = [
    SelectChoice(TouchKind.EMAIL.value, "Email"),
    SelectChoice(TouchKind.CALL.value, "Call"),
    SelectChoice(TouchKind.MESSAGE.value, "Message"),
    SelectChoice(TouchKind.SOCIAL.value, "Social (LinkedIn, a comment, a like)"),
    SelectChoice(TouchKind.EVENT.value, "Saw them at an event"),
    SelectChoice(TouchKind.OTHER.value, "Other"),
]


class DoneForm(FlaskForm):
    done_on = DateField("Done on", validators=[Optional()], description="Today if left empty.")
    # Empty: guessed from the follow-up's action ("Send thank-you email" is an email).
    kind = SelectField(
        "How",
        choices=[SelectChoice("", "As the follow-up says"), *TOUCH_KIND_CHOICES],
        validators=[Optional()],
    )


class TouchForm(FlaskForm):
    kind = SelectField("How were you in touch?", choices=TOUCH_KIND_CHOICES)
    on = DateField("When", validators=[Optional()], description="Today if left empty.")
    note = TextAreaField(
        "Note",
        validators=[Optional(), Length(max=2000, message="Keep it under 2000 characters.")],
        description="Optional: what it was about, what they said.",
        render_kw={"rows": 2},
    )
    next = HiddenField()


RATING_CHOICES = [SelectChoice(n, str(n)) for n in range(1, 6)]


def _count(label: str) -> IntegerField:
    return IntegerField(
        label,
        validators=[
            InputRequired(message="Enter a number (0 if none)."),
            NumberRange(min=0, max=1000, message="From 0 to 1000."),
        ],
        description="Pre-filled from what you logged in the period; change it if you missed some.",
    )


def _rating(label: str, description: str) -> RadioField:
    return RadioField(
        label,
        choices=RATING_CHOICES,
        coerce=lambda v: int(v) if v not in (None, "", "None") else None,
        validate_choice=False,
        validators=[Optional()],
        description=description,
    )


class CheckinForm(FlaskForm):
    contacts_kept = _count("Contacts I kept in touch with")
    new_contacts = _count("New contacts")
    events_attended = _count("Industry events and meetings attended")
    field_changes = TextAreaField("What is changing in my field", validators=TEXT)
    skills = TextAreaField("Skills I learned or updated", validators=TEXT)
    concerns = TextAreaField("Concerns", validators=TEXT)
    rating_pulse = _rating(
        "My finger on the pulse of my field", "1 = out of touch, 5 = well informed"
    )
    rating_realism = _rating(
        "How realistic my view of my career potential is", "1 = guesswork, 5 = tested with others"
    )
    rating_security = _rating("How secure I feel in my role", "1 = not at all, 5 = very")

    FIELDS = (
        "contacts_kept",
        "new_contacts",
        "events_attended",
        "field_changes",
        "skills",
        "concerns",
        "rating_pulse",
        "rating_realism",
        "rating_security",
    )

    def data_fields(self) -> dict:
        return {name: self[name].data for name in self.FIELDS}


class LedgerForm(FlaskForm):
    direction = RadioField(
        "I …",
        choices=[
            SelectChoice(LedgerDirection.GAVE.value, "gave"),
            SelectChoice(LedgerDirection.RECEIVED.value, "received"),
        ],
        default=LedgerDirection.GAVE.value,
    )
    kind = SelectField(
        "What",
        choices=[
            SelectChoice(LedgerKind.INFORMATION.value, "Information or advice"),
            SelectChoice(LedgerKind.INTRODUCTION.value, "An introduction"),
            SelectChoice(LedgerKind.HELP.value, "Help"),
            SelectChoice(LedgerKind.ARTICLE.value, "An article or resource"),
            SelectChoice(LedgerKind.REFERRAL.value, "A referral"),
            SelectChoice(LedgerKind.OTHER.value, "Something else"),
        ],
    )
    description = StringField(
        "In a few words",
        validators=[
            DataRequired(message="What was it? A few words are enough."),
            Length(max=500, message="Keep it under 500 characters."),
        ],
    )
    happened_on = DateField("When", validators=[Optional()], description="Today if left empty.")
    # A promise ("I'll send the article") is also a follow-up, due on this day.
    is_promise = BooleanField("This is a promise — remind me")
    remind_on = DateField(
        "Remind me on", validators=[Optional()], description="A week from today if left empty."
    )


# -- sessions ---------------------------------------------------------------------------


class BookForm(FlaskForm):
    """One open slot: its start (UTC, ISO 8601, as the page offered it) and length."""

    slot = HiddenField(validators=[DataRequired(message="Choose a time."), Length(max=40)])
    minutes = HiddenField(validators=[DataRequired(), Length(max=3)])


class ClientRescheduleForm(BookForm):
    reason = TextAreaField(
        "Reason (your coach sees it)",
        validators=[DataRequired(message="Say why."), Length(max=500)],
    )


class ActionDoneForm(FlaskForm):
    done_on = DateField("Done on", validators=[DataRequired(message="Give a date.")])


class TimezoneForm(FlaskForm):
    timezone = member_timezone_field()


class IntroductionRequestForm(FlaskForm):
    introducer_contact_id = SelectField(
        "Who to ask", coerce=optional_id, validate_choice=False, validators=[InputRequired()]
    )
    target = StringField(
        "to introduce me to",
        validators=[
            DataRequired(message="Who would you like to meet?"),
            Length(max=255, message="Keep it under 255 characters."),
        ],
        description="e.g. someone in the data team.",
    )
    target_company = StringField("at (company)", validators=[Length(max=120)])
    note = TextAreaField(
        "Note",
        validators=TEXT,
        description="Optional: why, what you would ask them.",
        render_kw={"rows": 2},
    )
    requested_on = DateField("Asked on", validators=[Optional()], description="Today if empty.")


class IntroductionMadeForm(FlaskForm):
    name = StringField("Their name", validators=[DataRequired(), Length(max=120)])
    company = StringField("Company", validators=[Length(max=120)])
    email = StringField(
        "Email",
        validators=[Optional(), Email(message="Enter a valid email address."), Length(max=254)],
    )
    made_on = DateField("Introduced on", validators=[Optional()], description="Today if empty.")


class DayForm(FlaskForm):
    """One optional date (today if empty): an introduction met or declined, a promise kept."""

    on = DateField("On", validators=[Optional()])


class ImportForm(FlaskForm):
    source = SelectField(
        "From",
        choices=[
            SelectChoice("linkedin", "LinkedIn export (Connections.csv)"),
            SelectChoice("google", "Google Contacts (CSV)"),
            SelectChoice("vcard", "vCard (.vcf)"),
        ],
    )
    file = FileField("File", validators=[FileRequired(message="Choose a file to import.")])
