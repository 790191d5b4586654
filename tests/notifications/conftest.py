import pytest

from tests.notifications.smtp_sink import SmtpSink


@pytest.fixture
def smtp_sink():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp_settings(settings, smtp_sink):
    """Send through the project's SMTP backend to the sink."""
    settings.EMAIL_BACKEND = "notifications.mail.SMTPBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_sink.port
    settings.EMAIL_TIMEOUT = 5
    settings.EMAIL_USE_TLS = False
    return settings
