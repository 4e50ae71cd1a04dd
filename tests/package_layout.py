"""What the installed package is made of, read from the package itself rather than from the source tree."""
import importlib.resources

# The compiled core modules: each ships its type stub beside it (midox/_core/*.pyi).
CORE_MODULES = sorted(f'midox._core.{entry.name[:-len(".pyi")]}'
                      for entry in importlib.resources.files('midox._core').iterdir() if entry.name.endswith('.pyi'))
