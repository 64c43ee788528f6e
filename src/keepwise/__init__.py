"""keepwise: whom to nurture, win back, make profitable or let go."""

__version__ = "0.1.0"
