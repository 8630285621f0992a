"""Each feature's part of the command line (`python -m bot …`) and of `check`."""

from bot.commands import maintenance, referrers, slots, staff

FEATURES = (staff, slots, referrers, maintenance)
