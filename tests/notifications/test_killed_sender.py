"""`bangkom notifications send` killed (SIGKILL) after the SMTP server accepted a message and before
the sender committed `sent`: once the claim's lease runs out the next sender sends it again, under the
same Message-ID, and marks it sent. That second copy is the only duplicate possible, and nothing is
lost. Real processes, a real SMTP server, a database committed for real."""

from __future__ import annotations

import signal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.notifications import outbox
from app.notifications.models import NotificationDelivery
from app.notifications.sender import KILL_AFTER_SEND
from tests.faults.conftest import PATIENCE, Process, Target, await_for
from tests.notifications.conftest import SENDER, StartServer
from tests.notifications.helpers import outgoing


async def _delivery(target: Target) -> NotificationDelivery:
    found = await target.first(select(NotificationDelivery))
    assert isinstance(found, NotificationDelivery)
    return found


async def test_killed_between_send_and_commit_sends_at_most_one_copy_more(
    target: Target, smtp_server: StartServer, tmp_path: Path
) -> None:
    server = smtp_server()
    async with AsyncSession(target.engine) as session:
        assert await outbox.queue(session, outgoing(target.world.users["asn_a"]))
        await session.commit()
    env = target.env(
        smtp_host="127.0.0.1",
        smtp_port=str(server.port),
        smtp_security="none",
        smtp_sender=SENDER,
        smtp_timeout_s="1",
        notify_lease_s="2",
    )

    killed = Process(
        ["notifications", "send", "--once"], env | {KILL_AFTER_SEND: "1"}, tmp_path / "killed.log"
    )
    killed.popen.wait(timeout=PATIENCE)
    assert killed.popen.returncode == -signal.SIGKILL, killed.output()
    assert len(server.mails()) == 1  # the server has it; the database does not know
    left = await _delivery(target)
    assert (left.status, left.attempts) == ("sending", 1)

    runs = iter(range(100))

    async def sent_by_the_next_sender() -> NotificationDelivery | None:
        # Until the lease has run out the next sender leaves the delivery alone.
        run = Process(["notifications", "send", "--once"], env, tmp_path / f"run-{next(runs)}.log")
        assert run.popen.wait(timeout=PATIENCE) == 0, run.output()
        found = await _delivery(target)
        return found if found.status == "sent" else None

    done = await await_for(sent_by_the_next_sender, "the lapsed delivery to be sent again")
    assert done.attempts == 2 and done.last_error is None
    copies = server.mails()
    assert len(copies) == 2
    assert {mail.message["Message-ID"] for mail in copies} == {done.message_id}
    assert [mail.rcpt_tos for mail in copies] == [[target.world.asn_a.email]] * 2

    again = Process(["notifications", "send", "--once"], env, tmp_path / "again.log")
    assert again.popen.wait(timeout=PATIENCE) == 0, again.output()
    assert "0 sent" in again.output()
    assert len(server.mails()) == 2
    assert (await _delivery(target)).status == "sent"
