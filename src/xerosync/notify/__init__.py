"""People: told once per incident (a connection to reconnect, dead letters piling up), by e-mail
and through the change feed, never once per failed call."""
