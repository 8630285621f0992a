"""Running as a systemd service (deploy/tremplin.service, Type=notify): the bot tells systemd
it is ready once it takes updates (READY=1), then, while its event loop and job queue run,
that it is alive (WATCHDOG=1, twice per WatchdogSec), so that a bot stuck is restarted. The
sd_notify protocol in a few lines, no dependency; nothing happens outside systemd."""
