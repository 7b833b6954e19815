"""Form pieces shared by several areas."""

from zoneinfo import available_timezones

import email_validator
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, SelectField
from wtforms.validators import DataRequired, EqualTo, Length

# The demo and test accounts live under .test (RFC 2606), which email-validator
# rejects as special-use by default; every other special-use name stays refused.
if "test" in email_validator.SPECIAL_USE_DOMAIN_NAMES:
    email_validator.SPECIAL_USE_DOMAIN_NAMES.remove("test")

PASSWORD_RULES = [DataRequired(), Length(min=10, max=128, message="Use 10 to 128 characters.")]

TIMEZONE_CHOICES = sorted(
    tz for tz in available_timezones() if "/" in tz and not tz.startswith(("Etc/", "SystemV/"))
)
TIMEZONE_CHOICES.insert(0, "UTC")


def timezone_field(label: str = "Timezone") -> SelectField:
    return SelectField(
        label,
        choices=[SelectChoice(tz, tz.replace("_", " ")) for tz in TIMEZONE_CHOICES],
        default="UTC",
        description="Dates and due days are shown in this timezone.",
    )


class NewPasswordMixin:
    password = PasswordField("Password", validators=PASSWORD_RULES)
    confirm = PasswordField(
        "Repeat password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
    )


class ConfirmForm(FlaskForm):
    """An empty form: the CSRF token for a confirm-then-POST action."""
