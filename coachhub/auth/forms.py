from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from coachhub.forms import PASSWORD_RULES, NewPasswordMixin, timezone_field
from coachhub.inputs import BaseForm as FlaskForm

EMAIL_RULES = [DataRequired(), Email(message="Enter a valid email address."), Length(max=254)]


class SignupForm(FlaskForm):
    name = StringField("Your name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("Email", validators=EMAIL_RULES)
    password = PasswordField("Password", validators=PASSWORD_RULES)
    practice_name = StringField("Practice name", validators=[DataRequired(), Length(max=120)])
    timezone = timezone_field("Practice timezone")


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=EMAIL_RULES)
    password = PasswordField("Password", validators=[DataRequired(), Length(max=128)])


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email", validators=EMAIL_RULES)


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    pass


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    password = PasswordField("New password", validators=PASSWORD_RULES)
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
    )


class AcceptInvitationForm(NewPasswordMixin, FlaskForm):
    name = StringField("Your name", validators=[DataRequired(), Length(max=120)])


class CodeForm(FlaskForm):
    """A 6-digit authenticator code, or a recovery code."""

    code = StringField(
        "Code",
        validators=[DataRequired(message="Enter the code."), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True},
    )


class PasswordCheckForm(FlaskForm):
    """The password again, before a change that a borrowed session must not make."""

    password = PasswordField("Your password", validators=[DataRequired(), Length(max=128)])


class ChangeEmailForm(FlaskForm):
    email = EmailField("New email", validators=EMAIL_RULES)
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=128)])


class ApiTokenForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=80)])
    practice = SelectField("Practice", coerce=int)
    scope = SelectField(
        "Access",
        choices=[SelectChoice("read", "Read only"), SelectChoice("write", "Read and write")],
        default="read",
    )
    expires_in_days = SelectField(
        "Expires",
        coerce=int,
        choices=[
            SelectChoice(7, "In 7 days"),
            SelectChoice(30, "In 30 days"),
            SelectChoice(90, "In 90 days"),
            SelectChoice(366, "In a year"),
        ],
        default=90,
    )
