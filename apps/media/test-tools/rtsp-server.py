#!/usr/bin/python3
"""A camera simulator for tests and the benchmark: GStreamer's RTSP server on loopback.

Run with /usr/bin/python3 (needs python3-gi and gir1.2-gst-rtsp-server-1.0).

  rtsp-server.py --port 8554 --path /cam --file video.mp4   # an H.264 MP4, played once in real time
  rtsp-server.py --port 8554 --path /cam --stdin            # H.264 Annex B on stdin, one write per frame, served live (CameraSim.feed)
  rtsp-server.py --port 8554 --path /cam --rawstdin 1280x720 # raw yuv420p frames on stdin, encoded live like a camera
  rtsp-server.py --port 8554 --path /cam --testsrc 1280x720 # test pattern, encoded live
  add --codec h265 to --testsrc to serve a codec the media node refuses.

Prints "READY rtsp://127.0.0.1:PORT/PATH" on stdout once it listens.
"""
import argparse
import ctypes
import signal
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def feed_stdin(factory):
    """Pushes stdin into the appsrc of the media being played, if any, from a thread of its own."""
    current = {}

    def configure(_factory, media):
        current["src"] = media.get_element().get_by_name("stdin")

    factory.connect("media-configure", configure)

    def read():
        while chunk := sys.stdin.buffer.read1(65536):
            src = current.get("src")
            # As on a camera, what comes while nobody watches is gone.
            if src is not None and src.current_state == Gst.State.PLAYING:
                src.emit("push-buffer", Gst.Buffer.new_wrapped(chunk))

    threading.Thread(target=read, daemon=True).start()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8554)
    p.add_argument("--path", default="/cam")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--file")
    g.add_argument("--stdin", action="store_true")
    g.add_argument("--rawstdin")
    g.add_argument("--testsrc")
    p.add_argument("--codec", default="h264", choices=["h264", "h265"])
    p.add_argument("--fps", type=int, default=25)
    a = p.parse_args()

    # Die with the process that started us (a test or benchmark that crashed or was killed).
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    Gst.init(None)
    if a.file:
        # Played once in real time: callers make the file as long as they need (ffmpeg -stream_loop).
        launch = f'( filesrc location="{a.file}" ! qtdemux ! h264parse config-interval=-1 ! rtph264pay name=pay0 pt=96 config-interval=-1 )'
    elif a.stdin:
        # A live source, each frame stamped when it arrives (CameraSim.feed writes one at a time).
        # fdsrc was not live: the server's clock held its reads back, and frames read together
        # shared a timestamp, which made the RTSP client merge them into undecodable units.
        launch = "( appsrc name=stdin is-live=true do-timestamp=true format=time ! h264parse config-interval=-1 ! rtph264pay name=pay0 pt=96 config-interval=-1 )"
    elif a.rawstdin:
        # A camera's own low-delay encoder: each picture leaves as one access unit as soon as it is
        # encoded (an Annex B stream parsed from a pipe waits for the next picture's start code).
        w, h = a.rawstdin.split("x")
        launch = (
            f"( fdsrc fd=0 blocksize={int(w) * int(h) * 3 // 2} ! rawvideoparse width={w} height={h} format=i420 framerate={a.fps}/1 "
            "! x264enc tune=zerolatency speed-preset=ultrafast threads=1 key-int-max=25 ! video/x-h264,profile=constrained-baseline ! h264parse "
            "! rtph264pay name=pay0 pt=96 config-interval=-1 )"
        )
    else:
        w, h = a.testsrc.split("x")
        enc = (
            "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=25 ! video/x-h264,profile=constrained-baseline ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=-1"
            if a.codec == "h264"
            else "x265enc tune=zerolatency speed-preset=ultrafast key-int-max=25 ! h265parse ! rtph265pay name=pay0 pt=96 config-interval=-1"
        )
        launch = f"( videotestsrc is-live=true pattern=ball ! video/x-raw,width={w},height={h},framerate={a.fps}/1 ! {enc} )"

    server = GstRtspServer.RTSPServer()
    server.set_address(a.host)
    server.set_service(str(a.port))
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(launch)
    # One pipeline shared by every client: what a real camera does.
    factory.set_shared(True)
    if a.stdin:
        feed_stdin(factory)
    server.get_mount_points().add_factory(a.path, factory)
    if server.attach(None) == 0:
        print("ERROR cannot listen", flush=True)
        sys.exit(1)
    print(f"READY rtsp://{a.host}:{server.get_bound_port()}{a.path}", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
