/*
 * _pm_compat.h: what midox's PortMidi binding (_portmidi.pyx) needs beyond the PortMidi headers.
 *
 * PortMidi 217 (Debian, Ubuntu) and PortMidi 2.x (pygame, Homebrew, vcpkg, newer distributions) share most of
 * their API. 2.x adds virtual devices (Pm_CreateVirtualInput/Output, Pm_DeleteVirtualDevice) and the
 * PmDeviceInfo.is_virtual field, and makes PmMessage unsigned. Everything that differs is behind the
 * midox_pm_* names below, so that the binding compiles against either header:
 *
 *   MIDOX_PM_V2            1 when the header is PortMidi 2.x (it defines PM_DEVICEINFO_VERS, which 217 lacks)
 *   MIDOX_PM_HAS_VIRTUAL   1 when virtual devices can be created
 *
 * Define MIDOX_PM_FORCE_217 to build the 217 code paths against a 2.x header (for testing).
 *
 * Also here: formatting PortMidi's error text, and a monotonic clock and sleep that run without the GIL.
 * (PmEvent words are packed and unpacked by midox/_core/_pmevents.pyx, which needs no PortMidi.)
 */
#ifndef MIDOX_PM_COMPAT_H
#define MIDOX_PM_COMPAT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <portmidi.h>

#if defined(_WIN32)
#  ifndef WIN32_LEAN_AND_MEAN
#    define WIN32_LEAN_AND_MEAN
#  endif
#  include <windows.h>
#else
#  include <errno.h>
#  include <time.h>
#endif

#if defined(_MSC_VER) && !defined(__cplusplus)
#  define MIDOX_PM_INLINE static __inline
#else
#  define MIDOX_PM_INLINE static inline
#endif

#if !defined(MIDOX_PM_FORCE_217) && (defined(PM_DEVICEINFO_VERS) || defined(PORTMIDI_PORTMIDI_H))
#  define MIDOX_PM_V2 1
#else
#  define MIDOX_PM_V2 0
#endif

#define MIDOX_PM_HAS_VIRTUAL MIDOX_PM_V2

/* ---- version differences ---------------------------------------------------------------------------- */

MIDOX_PM_INLINE int midox_pm_is_virtual(const PmDeviceInfo *info)
{
#if MIDOX_PM_V2
    return info->is_virtual != 0;
#else
    (void)info;
    return 0;
#endif
}

/* Return a device id (>= 0) or a PmError (< 0). Never called on 217: the binding checks HAS_VIRTUAL first. */
MIDOX_PM_INLINE int midox_pm_create_virtual(int is_input, const char *name, const char *interf)
{
#if MIDOX_PM_HAS_VIRTUAL
    if (is_input)
        return (int)Pm_CreateVirtualInput(name, interf, NULL);
    return (int)Pm_CreateVirtualOutput(name, interf, NULL);
#else
    (void)is_input;
    (void)name;
    (void)interf;
    return (int)pmInvalidDeviceId;
#endif
}

MIDOX_PM_INLINE int midox_pm_delete_virtual(int device_id)
{
#if MIDOX_PM_HAS_VIRTUAL
    return (int)Pm_DeleteVirtualDevice((PmDeviceID)device_id);
#else
    (void)device_id;
    return (int)pmInvalidDeviceId;
#endif
}

/* ---- errors ----------------------------------------------------------------------------------------- */

/* Copy src into dst (capacity cap > 0) from offset pos, always NUL-terminated; return the new offset. */
MIDOX_PM_INLINE size_t midox_pm_append(char *dst, size_t cap, size_t pos, const char *src)
{
    if (pos >= cap)
        return pos;
    while (*src != '\0' && pos + 1 < cap)
        dst[pos++] = *src++;
    dst[pos] = '\0';
    return pos;
}

/*
 * Write PortMidi's text for err into buf: Pm_GetErrorText(), and for pmHostError also ": " and
 * Pm_GetHostErrorText() (which clears the host error). Call with the PortMidi lock held, right after the
 * failing call, so that the host error is still the one that call left.
 */
MIDOX_PM_INLINE void midox_pm_error_text(int err, char *buf, size_t cap)
{
    const char *text;
    size_t pos;

    if (cap == 0)
        return;
    buf[0] = '\0';
    text = Pm_GetErrorText((PmError)err);
    pos = midox_pm_append(buf, cap, 0, text != NULL ? text : "PortMidi: unknown error");
    if (err == (int)pmHostError) {
        char host[PM_HOST_ERROR_MSG_LEN + 1];
        memset(host, 0, sizeof(host));
        Pm_GetHostErrorText(host, (unsigned int)PM_HOST_ERROR_MSG_LEN);
        host[PM_HOST_ERROR_MSG_LEN] = '\0';
        if (host[0] != '\0') {
            pos = midox_pm_append(buf, cap, pos, ": ");
            (void)midox_pm_append(buf, cap, pos, host);
        }
    }
}

/* ---- time ------------------------------------------------------------------------------------------- */

/* A monotonic clock in microseconds. */
MIDOX_PM_INLINE int64_t midox_pm_now_us(void)
{
#if defined(_WIN32)
    LARGE_INTEGER frequency, counter;
    QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&counter);
    return (int64_t)((counter.QuadPart / frequency.QuadPart) * 1000000
                     + ((counter.QuadPart % frequency.QuadPart) * 1000000) / frequency.QuadPart);
#else
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000 + (int64_t)(now.tv_nsec / 1000);
#endif
}

/* Sleep for about the given number of microseconds (call without the GIL). */
MIDOX_PM_INLINE void midox_pm_sleep_us(long microseconds)
{
#if defined(_WIN32)
    Sleep((DWORD)((microseconds + 999) / 1000));
#else
    struct timespec request, remaining;
    request.tv_sec = (time_t)(microseconds / 1000000);
    request.tv_nsec = (long)(microseconds % 1000000) * 1000L;
    while (nanosleep(&request, &remaining) != 0 && errno == EINTR)
        request = remaining;
#endif
}

#endif /* MIDOX_PM_COMPAT_H */
