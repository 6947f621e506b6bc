"""Notifications: the outbox written with whatever caused a message, each user's inbox, their
preferences, and email delivery through SMTP with retries."""
