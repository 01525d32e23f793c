# Date and time patterns: https://docs.djangoproject.com/en/5.2/ref/templates/builtins/#date
DATE_FORMAT = "F j, Y"
TIME_FORMAT = "g:i A"
DATETIME_FORMAT = "F j, Y, g:i A"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "F j"
SHORT_DATE_FORMAT = "m/d/Y"
SHORT_DATETIME_FORMAT = "m/d/Y g:i A"
# Our own names (advocato.lib.formatting): a chart axis's day and a weekday with its time.
DAY_MONTH_FORMAT = "m/d"
WEEKDAY_TIME_FORMAT = "l g:i A"
FIRST_DAY_OF_WEEK = 0
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
