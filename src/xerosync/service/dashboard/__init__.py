"""The dashboard (issue 9): pages for the people who watch the numbers, served by the service
under `/dashboard`. See docs/dashboard.md."""

from xerosync.service.dashboard.routes import router

__all__ = ["router"]
