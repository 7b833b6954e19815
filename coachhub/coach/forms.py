from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from coachhub.forms import timezone_field


class InviteForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[DataRequired(), Email(message="Enter a valid email address."), Length(max=254)],
    )
    role = RadioField(
        "Invite as",
        choices=[SelectChoice("client", "Client"), SelectChoice("coach", "Coach")],
        default="client",
    )
    coach = SelectField("Coach", coerce=int, description="The client's coach.")


class PracticeSettingsForm(FlaskForm):
    name = StringField("Practice name", validators=[DataRequired(), Length(max=120)])
    timezone = timezone_field()
