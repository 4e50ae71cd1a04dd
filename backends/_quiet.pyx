# cython: language_level=3
"""Keep the C libraries under the backends from printing to stderr (docs/guide/backends.md).

libasound prints lines like ``ALSA lib seq_hw.c:466:(snd_seq_hw_open) open /dev/snd/seq failed`` and libjack
lines like ``Cannot connect to server socket`` before the backend raises its own exception saying the same.
Both libraries let a program replace the function that prints them: ``snd_lib_error_set_handler()`` and
``jack_set_error_function()`` / ``jack_set_info_function()``. ``quiet()`` sets handlers that drop the messages in
every copy of those libraries loaded in the process (pygame bundles its own libasound), looking them up with
dlsym, so midox never links to or loads a library itself.

The handlers are plain C functions: JACK calls its handlers from its own threads, which must not wait for the
GIL (a thread holding the GIL may be waiting for them, in jack_client_close()).
"""

cdef extern from *:
    """
    #if defined(__linux__) || defined(__APPLE__)
    #define MIDOX_QUIET_SUPPORTED 1
    #ifndef _GNU_SOURCE
    #define _GNU_SOURCE
    #endif
    #include <dlfcn.h>
    #include <string.h>
    #if defined(__linux__)
    #include <link.h>
    #else
    #include <mach-o/dyld.h>
    #endif

    typedef void (*midox_alsa_handler)(const char *, int, const char *, int, const char *, ...);
    typedef int (*midox_alsa_setter)(midox_alsa_handler);
    typedef void (*midox_jack_handler)(const char *);
    typedef void (*midox_jack_setter)(midox_jack_handler);

    static void midox_drop_alsa(const char *file, int line, const char *function, int err, const char *fmt, ...) {
        (void)file; (void)line; (void)function; (void)err; (void)fmt;
    }

    static void midox_drop_jack(const char *message) {
        (void)message;
    }

    /* Set the handlers in the library loaded from path (already loaded: RTLD_NOLOAD); return which:
       1 for ALSA, 2 for JACK, 0 for neither. */
    static int midox_quiet_library(const char *path) {
        int done = 0;
        void *handle;
        void *symbol;
        if (path == NULL || (strstr(path, "libasound") == NULL && strstr(path, "libjack") == NULL))
            return 0;
        handle = dlopen(path, RTLD_LAZY | RTLD_NOLOAD);
        if (handle == NULL)
            return 0;
        symbol = dlsym(handle, "snd_lib_error_set_handler");
        if (symbol != NULL) {
            ((midox_alsa_setter)symbol)(midox_drop_alsa);
            done |= 1;
        }
        symbol = dlsym(handle, "jack_set_error_function");
        if (symbol != NULL) {
            ((midox_jack_setter)symbol)(midox_drop_jack);
            done |= 2;
        }
        symbol = dlsym(handle, "jack_set_info_function");
        if (symbol != NULL)
            ((midox_jack_setter)symbol)(midox_drop_jack);
        dlclose(handle);    /* the library stays: its users hold it */
        return done;
    }

    #if defined(__linux__)
    static int midox_quiet_object(struct dl_phdr_info *info, size_t size, void *found) {
        (void)size;
        *(int *)found |= midox_quiet_library(info->dlpi_name);
        return 0;
    }
    #endif

    /* Quiet every loaded copy of libasound and libjack; return 1 | 2 as above, for what was found. */
    static int midox_quiet_all(void) {
        int found = 0;
    #if defined(__linux__)
        dl_iterate_phdr(midox_quiet_object, &found);
    #else
        uint32_t i, count = _dyld_image_count();
        for (i = 0; i < count; i++)
            found |= midox_quiet_library(_dyld_get_image_name(i));
    #endif
        return found;
    }
    #else
    #define MIDOX_QUIET_SUPPORTED 0
    static int midox_quiet_all(void) { return 0; }
    #endif
    """
    int MIDOX_QUIET_SUPPORTED
    int midox_quiet_all() nogil


#: Whether this platform lets quiet() look for the libraries (Linux and macOS; Windows has neither library's
#: messages on stderr from midox's backends).
SUPPORTED = bool(MIDOX_QUIET_SUPPORTED)


def quiet():
    """Drop the stderr messages of every libasound and libjack loaded in this process.

    Call it after the library that loads them (python-rtmidi, the PortMidi binding, pygame.midi) is imported.
    Returns the names of the libraries found (``'alsa'``, ``'jack'``), for tests and diagnostics.
    """
    found = midox_quiet_all()
    return [name for bit, name in ((1, "alsa"), (2, "jack")) if found & bit]
