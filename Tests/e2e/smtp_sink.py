"""A local SMTP sink for the support-issue tests: accepts every message (no TLS, no AUTH) and appends
it to a JSON-lines file as {"from", "to", "data"}. Python 3.12 has no smtpd, hence these few lines.

Run: python smtp_sink.py --port PORT --log FILE  (prints "listening on PORT" when ready).
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path


async def session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, log: Path) -> None:
    def reply(line: str) -> None:
        writer.write((line + "\r\n").encode())

    reply("220 sink ESMTP")
    sender, recipients = "", []
    while line := (await reader.readline()).decode(errors="replace").rstrip("\r\n"):
        verb = line[:4].upper()
        if verb in ("EHLO", "HELO"):
            reply("250 sink")
        elif verb == "MAIL":
            sender, recipients = line.split(":", 1)[1].strip(), []
            reply("250 OK")
        elif verb == "RCPT":
            recipients.append(line.split(":", 1)[1].strip())
            reply("250 OK")
        elif verb == "DATA":
            reply("354 end with <CRLF>.<CRLF>")
            await writer.drain()
            lines = []
            while (data := (await reader.readline()).decode(errors="replace")) not in (".\r\n", ""):
                lines.append(data[1:] if data.startswith("..") else data)  # undo dot-stuffing
            with log.open("a") as out:
                out.write(json.dumps({"from": sender, "to": recipients, "data": "".join(lines)}) + "\n")
            reply("250 queued")
        elif verb == "QUIT":
            reply("221 bye")
            await writer.drain()
            break
        else:
            reply("250 OK")
        await writer.drain()
    writer.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", type=Path, required=True)
    arguments = parser.parse_args()
    server = await asyncio.start_server(lambda r, w: session(r, w, arguments.log), "127.0.0.1", arguments.port, reuse_address=True)
    print(f"listening on {arguments.port}", flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
