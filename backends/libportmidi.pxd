# Declarations of the PortMidi C API used by midox.backends._portmidi, and of the helpers in _pm_compat.h.
#
# Only what both PortMidi 217 and PortMidi 2.x declare is taken from portmidi.h directly; what differs
# (virtual devices, PmDeviceInfo.is_virtual) goes through _pm_compat.h.
from libc.stdint cimport int32_t, int64_t, uint32_t


cdef extern from "portmidi.h" nogil:
    ctypedef int PmError
    PmError pmNoError
    PmError pmNoData
    PmError pmGotData
    PmError pmHostError
    PmError pmInvalidDeviceId
    PmError pmInsufficientMemory
    PmError pmBufferTooSmall
    PmError pmBufferOverflow
    PmError pmBadPtr
    PmError pmBadData
    PmError pmInternalError
    PmError pmBufferMaxSize

    ctypedef int PmDeviceID
    int pmNoDevice

    ctypedef void PortMidiStream

    # The real type is int32_t in 217 and uint32_t in 2.x; the binding only stores values that fit both.
    ctypedef uint32_t PmMessage
    ctypedef int32_t PmTimestamp
    ctypedef PmTimestamp (*PmTimeProcPtr)(void *time_info)

    ctypedef struct PmEvent:
        PmMessage message
        PmTimestamp timestamp

    ctypedef struct PmDeviceInfo:
        int structVersion
        const char *interf
        const char *name
        int input
        int output
        int opened

    unsigned int PM_HOST_ERROR_MSG_LEN

    PmError Pm_Initialize()
    PmError Pm_Terminate()
    void Pm_GetHostErrorText(char *msg, unsigned int len)
    int Pm_CountDevices()
    PmDeviceID Pm_GetDefaultInputDeviceID()
    PmDeviceID Pm_GetDefaultOutputDeviceID()
    const PmDeviceInfo *Pm_GetDeviceInfo(PmDeviceID id)
    PmError Pm_OpenInput(PortMidiStream **stream, PmDeviceID inputDevice, void *inputDriverInfo,
                         int32_t bufferSize, PmTimeProcPtr time_proc, void *time_info)
    PmError Pm_OpenOutput(PortMidiStream **stream, PmDeviceID outputDevice, void *outputDriverInfo,
                          int32_t bufferSize, PmTimeProcPtr time_proc, void *time_info, int32_t latency)
    PmError Pm_Close(PortMidiStream *stream)
    int Pm_Read(PortMidiStream *stream, PmEvent *buffer, int32_t length)
    PmError Pm_Poll(PortMidiStream *stream)
    PmError Pm_WriteShort(PortMidiStream *stream, PmTimestamp when, PmMessage msg)
    PmError Pm_WriteSysEx(PortMidiStream *stream, PmTimestamp when, unsigned char *msg)


cdef extern from "_pm_compat.h" nogil:
    int MIDOX_PM_HAS_VIRTUAL
    int midox_pm_is_virtual(const PmDeviceInfo *info)
    int midox_pm_create_virtual(int is_input, const char *name, const char *interf)
    int midox_pm_delete_virtual(int device_id)
    void midox_pm_error_text(int err, char *buf, size_t cap)
    int64_t midox_pm_now_us()
    void midox_pm_sleep_us(long microseconds)
