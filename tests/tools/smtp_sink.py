#!/usr/bin/python3
"""smtp_sink.py - a real SMTP server (aiosmtpd) on loopback that keeps every message it receives as a file.

    /usr/bin/python3 tests/tools/smtp_sink.py --dir DIR [--port N] [--timeout S] [--auth USER:PASSWORD]

Prints the port it listens on as one line ("2525") on standard output once it accepts connections;
--port 0 (the default) picks a free port. Each message becomes DIR/NNNN.eml (0001.eml, 0002.eml ... in the
order received, numbering on after files already there, so a restarted sink never overwrites one), written
under a temporary name and renamed, so a reader never sees half a file. A file starts with the envelope,
then the message exactly as received (CRLF line ends, dot-stuffing undone):

    X-Sink-Mail-From: noreply@example.jp     (the MAIL FROM address, without angle brackets)
    X-Sink-Rcpt-To: user@example.jp          (one line per RCPT TO)
    X-Sink-Auth: login                       (only when the client authenticated)
    Date: ...                                (the message itself from here on)

Exits after --timeout seconds (default 60; 0 = never), on SIGTERM/SIGINT, and when its standard input is a
pipe that closes (so it dies with the test that started it). Debian's python3-aiosmtpd is needed; use
/usr/bin/python3, not a python3 from elsewhere that lacks it.
"""
import argparse
import asyncio
import glob
import logging
import os
import signal
import socket
import stat
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult


class Keeper:
    def __init__(self, directory):
        self.directory = directory
        self.count = len(glob.glob(os.path.join(directory, "*.eml")))

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        head = "X-Sink-Mail-From: %s\r\n" % envelope.mail_from
        for rcpt in envelope.rcpt_tos:
            head += "X-Sink-Rcpt-To: %s\r\n" % rcpt
        if session.authenticated:
            head += "X-Sink-Auth: %s\r\n" % session.auth_data.login.decode("utf-8", "replace")
        name = os.path.join(self.directory, "%04d.eml" % self.count)
        with open(name + ".tmp", "wb") as f:
            f.write(head.encode("utf-8") + envelope.original_content)
        os.rename(name + ".tmp", name)
        return "250 OK"


def authenticator(login, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == login.encode() and auth_data.password == password.encode()
        return AuthResult(success=ok, handled=False, auth_data=auth_data)
    return check


def stdin_is_pipe():
    try:
        return stat.S_ISFIFO(os.fstat(sys.stdin.fileno()).st_mode)
    except (OSError, ValueError):
        return False


async def serve(args):
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    keeper = Keeper(args.dir)
    options = {"hostname": "sink.localhost", "data_size_limit": 10 * 1024 * 1024}
    if args.auth:
        login, _, password = args.auth.partition(":")
        options.update(auth_required=True, auth_require_tls=False,
                       authenticator=authenticator(login, password))
    server = await loop.create_server(lambda: SMTP(keeper, **options), sock=sock)

    def stop(*_):
        if not done.done():
            done.set_result(None)

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop)
    if stdin_is_pipe():
        def on_stdin():
            if not os.read(sys.stdin.fileno(), 4096):
                loop.remove_reader(sys.stdin.fileno())
                stop()
        loop.add_reader(sys.stdin.fileno(), on_stdin)
    if args.timeout > 0:
        loop.call_later(args.timeout, stop)
    print(sock.getsockname()[1], flush=True)
    await done
    server.close()
    await server.wait_closed()


def main():
    p = argparse.ArgumentParser(description="SMTP sink for tests")
    p.add_argument("--dir", required=True, help="directory for the received messages (must exist)")
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1; 0 picks a free one")
    p.add_argument("--timeout", type=float, default=60, help="seconds until it exits by itself; 0 never")
    p.add_argument("--auth", help="LOGIN:PASSWORD that clients must authenticate with")
    args = p.parse_args()
    # --auth without TLS is what a loopback test wants; aiosmtpd's warnings about it are noise here
    warnings.simplefilter("ignore")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    if not os.path.isdir(args.dir):
        p.error("no directory %s" % args.dir)
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
