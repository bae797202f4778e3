"""The organisers' back office: server-rendered pages under /organise over the same
services as the JSON API. Each area is a module that adds its handlers here with one
line; `web/setup.py` mounts ORGANISE_ROUTES on the page router (with CSRF)."""

from __future__ import annotations

from typing import Any

from eventhub.web.organise import accounts, attendees, checkin, history, meetings, messages, programme_area, team, tokens

ORGANISE_ROUTES: list[Any] = []
ORGANISE_ROUTES.append(accounts.AccountPages)
ORGANISE_ROUTES.append(accounts.PasswordPages)
ORGANISE_ROUTES.append(history.HistoryPages)
ORGANISE_ROUTES.append(team.TeamPages)
ORGANISE_ROUTES.append(team.InvitationPages)
ORGANISE_ROUTES.append(tokens.TokenPages)
ORGANISE_ROUTES.append(attendees.AttendeePages)
ORGANISE_ROUTES.append(checkin.CheckInPages)
ORGANISE_ROUTES.append(messages.MessagePages)
ORGANISE_ROUTES.extend(programme_area.ROUTES)
ORGANISE_ROUTES.append(meetings.MeetingPlanPages)
