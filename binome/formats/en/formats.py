"""English date formats for a French company: times on the 24-hour clock.

Django's English "P" format writes « 10 a.m. »: a sentence that ends with a
date then ends with « a.m.. ». Our readers are in France, where 10:00 and
14:30 are the norm in both languages."""

DATETIME_FORMAT = "N j, Y, H:i"
TIME_FORMAT = "H:i"
