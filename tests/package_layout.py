"""What the installed package is made of, read from the package itself rather than from the source tree."""
import importlib.resources

# The compiled core modules: each ships its type stub beside it (midox/_core/*.pyi).
CORE_MODULES = sorted(f'midox._core.{entry.name[:-len(".pyi")]}'
                      for entry in importlib.resources.files('midox._core').iterdir() if entry.name.endswith('.pyi'))


def installed_stubs(destination):
    """Copy the type stubs of the installed compiled modules to destination/midox/..., beside empty package
    stubs, and return destination: a MYPYPATH for stubtest, since mypy cannot find a package installed in
    editable mode (through an import hook) and the checkout's stubs are not necessarily the installed ones."""
    for package in ('midox', 'midox._core', 'midox.backends'):
        folder = destination.joinpath(*package.split('.'))
        folder.mkdir(parents=True, exist_ok=True)
        (folder / '__init__.pyi').write_text('')
        if package != 'midox':
            for entry in importlib.resources.files(package).iterdir():
                if entry.name.endswith('.pyi'):
                    (folder / entry.name).write_bytes(entry.read_bytes())
    return destination
