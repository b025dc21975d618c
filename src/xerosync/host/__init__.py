"""Where the host application meets xerosync: records handed in (in the app's own transaction
when it shares the database), what became of them, and the change feed."""
