"""Customer notifications: e-mails to buyers about their orders, sent from an outbox."""
