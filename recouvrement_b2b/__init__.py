from . import demo, models, wizard
