"""What the outbox tells other apps."""

from django.dispatch import Signal

permanent_failure = Signal()
"""The SMTP server refused a recipient for good (a 5xx answer): ``sender=OutgoingMessage``,
``message`` (the OutgoingMessage), ``address`` (the refused address, as in the envelope).
Sent once the message's state is recorded, in the caller's transaction if any; the letters app
marks the address."""
