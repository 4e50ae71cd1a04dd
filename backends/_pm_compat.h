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
 * Also here, in C with explicit bounds checks: unpacking PmEvents into a MIDI byte stream, formatting
 * PortMidi's error text, and a monotonic clock and sleep that run without the GIL.
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

/* ---- unpacking input ---------------------------------------------------------------------------------- */

/* How many bytes a message with this status byte has (status included); 0 for a data byte. */
MIDOX_PM_INLINE int midox_pm_message_length(unsigned int status)
{
    if (status < 0x80u)
        return 0;
    if (status < 0xC0u)          /* note_off, note_on, polytouch, control_change */
        return 3;
    if (status < 0xE0u)          /* program_change, aftertouch */
        return 2;
    if (status < 0xF0u)          /* pitchwheel */
        return 3;
    switch (status) {
    case 0xF1u:                  /* quarter_frame */
    case 0xF3u:                  /* song_select */
        return 2;
    case 0xF2u:                  /* songpos */
        return 3;
    default:                     /* F6, F7, the undefined F4 F5, real-time F8-FF (F0 is handled by the caller) */
        return 1;
    }
}

/*
 * Unpack count PmEvents into the MIDI byte stream they carry, writing at most cap bytes to out.
 *
 * A short message has its status in the low byte and its data bytes above it: only as many bytes as its
 * status says are taken (the unused high bytes are not MIDI data). A sysex message comes as words of four
 * bytes each, low byte first, up to the F7 that ends it; *in_sysex carries that state from one call to the
 * next. A real-time message that arrives during a sysex message is one of those four bytes, wherever it
 * fell: PortMidi 217 and 2.x both pack it into the sysex words (pm_read_short), although portmidi.h says it
 * gets an event of its own; it is passed through in place, and the parser delivers it and completes the
 * sysex message. A sysex message that ends without F7 (its next word starts with another status byte) is
 * simply cut: the status byte that follows tells the parser so.
 *
 * Return the number of bytes written, or -1 if cap is too small (the caller gives 4 bytes per event, which
 * is always enough).
 */
MIDOX_PM_INLINE ptrdiff_t midox_pm_unpack(const PmEvent *events, size_t count, unsigned char *out, size_t cap,
                                        int *in_sysex)
{
    size_t pos = 0;
    size_t i;

    for (i = 0; i < count; i++) {
        uint32_t word = (uint32_t)events[i].message;
        unsigned int status = (unsigned int)(word & 0xFFu);
        int chunk = 0;

        if (*in_sysex && status >= 0x80u && status < 0xF7u)
            *in_sysex = 0;       /* truncated sysex: this event is a new message (maybe a new sysex) */
        if (*in_sysex) {
            chunk = 1;           /* the next four sysex bytes (data, real-time, or up to F7) */
        } else if (status == 0xF0u) {
            *in_sysex = 1;
            chunk = 1;
        }

        if (chunk) {
            int k;
            for (k = 0; k < 4; k++) {
                unsigned int byte = (unsigned int)((word >> (8 * k)) & 0xFFu);
                if (pos + 1 > cap)
                    return -1;
                out[pos++] = (unsigned char)byte;
                if (byte == 0xF7u) {
                    *in_sysex = 0;
                    break;
                }
                if (k > 0 && byte >= 0x80u && byte < 0xF8u) {
                    /* a status byte inside the data: the sysex was cut; drop the rest of the word */
                    *in_sysex = 0;
                    break;
                }
            }
            continue;
        }

        {
            int length = midox_pm_message_length(status);
            int k;
            if (length == 0)
                continue;        /* a stray data word outside sysex (e.g. after an overflow): not MIDI */
            if (pos + (size_t)length > cap)
                return -1;
            for (k = 0; k < length; k++)
                out[pos++] = (unsigned char)((word >> (8 * k)) & 0xFFu);
        }
    }
    return (ptrdiff_t)pos;
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
