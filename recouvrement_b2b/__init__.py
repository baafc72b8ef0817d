from . import demo, models, report, wizard
