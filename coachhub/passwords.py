"""Password strength: refuse common and easily guessed passwords (zxcvbn's estimate,
with its lists of common passwords, names and words), beyond the length rule."""

from flask_login import current_user
from wtforms.validators import ValidationError
from zxcvbn import zxcvbn

# zxcvbn's 0–4 score: 0–1 fall to an online guessing attack within hours.
MIN_SCORE = 2
# zxcvbn's cost grows with length; a longer password is not weak for what follows.
CHECKED_LENGTH = 64


def weakness(password: str, user_inputs: list[str]) -> str | None:
    """Why the password is too easy to guess, or None when it is fine."""
    result = zxcvbn(password[:CHECKED_LENGTH], user_inputs=[i for i in user_inputs if i])
    if result["score"] >= MIN_SCORE:
        return None
    warning = result["feedback"].get("warning") or "This password is too easy to guess."
    return f"{warning.rstrip('.')}. Add words or characters people would not guess."


class NotEasilyGuessed:
    """A form validator; the form's name and email (or the member's) count as guessable."""

    def __call__(self, form, field) -> None:
        inputs = [
            getattr(form, name).data
            for name in ("name", "email")
            if name in form and isinstance(getattr(form, name).data, str)
        ]
        if current_user and current_user.is_authenticated:
            inputs += [current_user.name, current_user.email]
        inputs += [part for value in list(inputs) for part in value.replace("@", " ").split()]
        problem = weakness(field.data or "", inputs)
        if problem:
            raise ValidationError(problem)
