"""`flask billing sync | remind-trials` (replay and the webhook log: test_webhook_log.py)."""

from datetime import timedelta

from tests.billing.conftest import subscribe


def test_sync_repairs_missed_webhooks(world, fake_stripe, runner, db):
    sub = subscribe(world.a, fake_stripe, db, quantity=3)
    fake_stripe.update_subscription(sub["id"], status="past_due", quantity=4)  # webhooks lost

    result = runner.invoke(args=["billing", "sync"])

    assert result.exit_code == 0, result.output
    assert "alpha: past_due, 4 paid seats" in result.output
    assert "beta" not in result.output  # no Stripe customer: nothing to sync
    db.session.expire_all()
    assert (world.a.subscription_status, world.a.paid_seats) == ("past_due", 4)
    assert world.a.past_due_since is not None


def test_sync_reports_failures(world, fake_stripe, runner, db):
    subscribe(world.a, fake_stripe, db)
    fake_stripe.fail_next("GET", "/v1/subscriptions", 400, "nope")
    result = runner.invoke(args=["billing", "sync"])
    assert result.exit_code == 1
    assert "alpha: failed: nope" in result.output


def test_sync_without_stripe_keys_says_so(world, runner):
    result = runner.invoke(args=["billing", "sync"])
    assert result.exit_code == 1
    assert "STRIPE_SECRET_KEY" in result.output


def test_remind_trials_emails_owners_three_days_ahead_once(world, runner, db, now, outbox):
    world.a.trial_ends_at = now + timedelta(days=2)
    db.session.commit()

    first = runner.invoke(args=["billing", "remind-trials"])
    runner.invoke(args=["billing", "remind-trials"])

    assert "1 reminder(s) queued" in first.output
    [email] = outbox(world.owner_a.user.email)
    assert email.kind == "trial_ending"
    assert "04 Mar 2026" in email.subject
    assert outbox(world.owner_b.user.email) == []  # trial ends in 14 days
