from . import test_foundation, test_translations
