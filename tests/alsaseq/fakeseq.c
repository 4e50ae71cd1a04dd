/*
 * fakeseq.c -- a userspace stand-in for the Linux kernel's ALSA sequencer.
 *
 * What it is
 *   A shared library meant for LD_PRELOAD.  It takes over the system calls a
 *   process makes on /dev/snd/seq (open and friends, close, ioctl, read,
 *   write) and answers them the way the kernel's sequencer core would, with
 *   the snd-seq-dummy module loaded:
 *
 *     client 0   "System"        ports 0:0 "Timer" and 0:1 "Announce"
 *     client 14  "Midi Through"  port 14:0 "Midi Through Port-0", which sends
 *                                every event it receives on to the ports
 *                                subscribed to it: a MIDI loopback
 *     clients 128..191           one per open() of /dev/snd/seq
 *
 *   Everything else (other paths, other descriptors) goes straight to the C
 *   library's own functions, found with dlsym(RTLD_NEXT, ...).
 *
 * Why the system-call level
 *   Test machines have no sound hardware and no /dev/snd/seq, yet we want to
 *   run the real libasound + PortMidi code paths, including the private copy
 *   of libasound that pygame's wheel bundles.  Replacing snd_seq_* functions
 *   would only cover the libasound we happened to link against, and would
 *   test none of it; emulating the kernel's side of the ABI (the UAPI structs
 *   and ioctl numbers of <sound/asequencer.h>) works with any copy of
 *   libasound, unmodified.
 *
 * How
 *   Each client gets a real descriptor: one end of an AF_UNIX socketpair.  A
 *   single byte sits in it exactly while the client's input FIFO holds events,
 *   so poll()/select() on it need no interception and report POLLIN as the
 *   kernel would; POLLOUT is always reported (the emulated output pool never
 *   fills, because events are delivered at once).  The whole sequencer state
 *   is guarded by one mutex.  Blocking reads wait with the real poll() on the
 *   descriptor, outside the lock, so they can be interrupted by signals.
 *   O_NONBLOCK lives on the socket itself (fcntl() and FIONBIO reach it
 *   untouched, as the kernel's VFS handles them before any driver does).
 *
 * Limits (deliberate; tests/alsaseq_standin.py says the same)
 *   - One sequencer per process: clients of different processes do not see
 *     each other.
 *   - Events scheduled on a queue are delivered at once (their timestamps are
 *     made absolute, as the kernel does, but nobody waits for them).
 *   - No UMP (MIDI 2.0) clients, no SNDRV_SEQ_EVENT_LENGTH_VARUSR in write(),
 *     no error bounces.
 *
 * Environment
 *   MIDOX_FAKESEQ_DEBUG=1  one line on stderr for each unknown ioctl (and for
 *                          other refused requests); =2 also traces every
 *                          ioctl, read and write on sequencer descriptors.
 *   MIDOX_FAKESEQ_INPUT_POOL=N  size of each client's input FIFO in kernel
 *                          cells (1..2000; default 200 as in the kernel; an
 *                          event takes one cell plus one per 28 payload bytes).
 *                          When it is full, further events are dropped, the
 *                          write() of a direct event fails with EAGAIN and
 *                          the receiver's next read() fails with ENOSPC and
 *                          empties the FIFO -- the kernel's behaviour.
 *
 * Build: gcc -shared -fPIC -O2 -Wall -Wextra -pthread -o fakeseq.so fakeseq.c -ldl
 */

#undef _FORTIFY_SOURCE
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <sound/asequencer.h>

_Static_assert(sizeof(struct snd_seq_event) == 28, "unexpected snd_seq_event size");

#define EXPORT __attribute__((visibility("default")))

#define SEQ_PATH            "/dev/snd/seq"
#define EV_SIZE             ((size_t)sizeof(struct snd_seq_event))
#define MAX_CLIENTS         192     /* SNDRV_SEQ_MAX_CLIENTS */
#define MAX_PORTS           254     /* SNDRV_SEQ_MAX_PORTS */
#define MAX_QUEUES          32      /* SNDRV_SEQ_MAX_QUEUES */
#define FIRST_USER_CLIENT   128
#define DEFAULT_OUTPUT_POOL 500     /* SNDRV_SEQ_DEFAULT_EVENTS */
#define MAX_POOL            2000    /* SNDRV_SEQ_MAX_CLIENT_EVENTS / MAX_EVENTS */
#define MAX_HOPS            8
#define EXT_MASK            0xc0000000u
#define SKEW_BASE           0x10000u
#define FD_LIMIT            65536   /* sequencer descriptors must be below this */
#define SYSTEM_CLIENT       SNDRV_SEQ_CLIENT_SYSTEM
#define THROUGH_CLIENT      SNDRV_SEQ_CLIENT_DUMMY

/* ------------------------------------------------------------------ */
/* the real C library functions                                         */

typedef int (*open_fn)(const char *, int, ...);
typedef int (*openat_fn)(int, const char *, int, ...);
typedef int (*open2_fn)(const char *, int);
typedef int (*openat2_fn)(int, const char *, int);
typedef int (*close_fn)(int);
typedef int (*ioctl_fn)(int, unsigned long, ...);
typedef ssize_t (*read_fn)(int, void *, size_t);
typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*read_chk_fn)(int, void *, size_t, size_t);

static open_fn real_open, real_open64;
static openat_fn real_openat, real_openat64;
static open2_fn real_open_2, real_open64_2;
static openat2_fn real_openat_2, real_openat64_2;
static close_fn real_close;
static ioctl_fn real_ioctl;
static read_fn real_read;
static write_fn real_write;
static read_chk_fn real_read_chk;

int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);
ssize_t __read_chk(int fd, void *buf, size_t count, size_t buflen);

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static int g_debug;
static int g_input_pool = 200;  /* SNDRV_SEQ_DEFAULT_CLIENT_EVENTS, or MIDOX_FAKESEQ_INPUT_POOL */

/* ------------------------------------------------------------------ */
/* sequencer state                                                      */

struct cell {                   /* one event waiting in a client's FIFO */
    struct cell *next;
    unsigned ncells;            /* kernel pool cells it occupies */
    size_t size;                /* bytes handed to read(): event + padded payload */
    unsigned char data[];
};

struct port {
    int num;
    char name[64];
    unsigned int capability;
    unsigned int type;
    int midi_channels, midi_voices, synth_voices;
    int timestamping, time_real;
    unsigned char time_queue;
};

struct subscription {
    struct subscription *next;
    struct snd_seq_addr sender, dest;
    unsigned int flags;
    unsigned char queue;
};

struct client {
    int num;
    int type;                   /* USER_CLIENT or KERNEL_CLIENT */
    char name[64];
    unsigned int filter;
    unsigned char event_filter[32];
    int event_lost;
    struct port *ports[MAX_PORTS];
    int num_ports;
    /* user clients only */
    int fd, peer;               /* our socketpair: fd is the application's */
    dev_t dev;
    ino_t ino;
    int accept_input, accept_output;
    int output_pool, output_room;
    int input_pool, input_used, overflow;
    int signalled;              /* the wake-up byte is in the socket */
    struct cell *head, *tail;
};

struct queue {
    int used;
    int owner;
    int locked;
    char name[64];
    unsigned int flags;
    unsigned int tempo;
    int ppq;
    unsigned int skew_value, skew_base;
    int running;
    uint64_t base_ns;           /* position when last (re)based */
    double base_tick;
    uint64_t started_ns;        /* monotonic clock at the last rebase while running */
    int timer_type;
    struct snd_timer_id timer_id;
    unsigned int resolution;
    unsigned char users[MAX_CLIENTS / 8];
};

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static struct client *g_clients[MAX_CLIENTS];
static struct queue g_queues[MAX_QUEUES];
static struct subscription *g_subs;              /* in creation order */
static unsigned char g_fdclient[FD_LIMIT];       /* fd -> client number, 0 = not ours */

static struct client g_system, g_through;
static struct port g_timer_port, g_announce_port, g_through_port;

/* ------------------------------------------------------------------ */
/* helpers                                                              */

#define DEBUG(level, ...) do { if (g_debug >= (level)) { \
        fprintf(stderr, "fakeseq: " __VA_ARGS__); fputc('\n', stderr); } } while (0)

static void copy_name(char *dst, const char *src, size_t size)
{
    size_t n = strnlen(src, size - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int is_variable(const struct snd_seq_event *ev)
{
    return (ev->flags & SNDRV_SEQ_EVENT_LENGTH_MASK) == SNDRV_SEQ_EVENT_LENGTH_VARIABLE;
}

static int is_variable_type(const struct snd_seq_event *ev)
{
    return ev->type >= SNDRV_SEQ_EVENT_SYSEX && ev->type < 140;
}

static int is_direct(const struct snd_seq_event *ev)
{
    return ev->queue == SNDRV_SEQ_QUEUE_DIRECT;
}

static struct client *client_ptr(int num)
{
    if (num < 0 || num >= MAX_CLIENTS)
        return NULL;
    return g_clients[num];
}

static struct port *port_ptr(struct client *c, int num)
{
    if (!c || num < 0 || num >= MAX_PORTS)
        return NULL;
    return c->ports[num];
}

static struct queue *queue_ptr(int num)
{
    if (num < 0 || num >= MAX_QUEUES || !g_queues[num].used)
        return NULL;
    return &g_queues[num];
}

static int addr_eq(struct snd_seq_addr a, struct snd_seq_addr b)
{
    return a.client == b.client && a.port == b.port;
}

/* ---- queue clock ---- */

static uint64_t queue_ns(const struct queue *q)
{
    uint64_t t = q->base_ns;
    if (q->running)
        t += now_ns() - q->started_ns;
    return t;
}

static double queue_tick(const struct queue *q)
{
    double t = q->base_tick;
    if (q->running && q->tempo > 0 && q->skew_base > 0) {
        double elapsed = (double)(now_ns() - q->started_ns);
        t += elapsed * q->ppq / (q->tempo * 1000.0) * ((double)q->skew_value / q->skew_base);
    }
    return t;
}

static void queue_rebase(struct queue *q)
{
    if (q->running) {
        q->base_ns = queue_ns(q);
        q->base_tick = queue_tick(q);
        q->started_ns = now_ns();
    }
}

static struct snd_seq_real_time ns_to_rt(uint64_t ns)
{
    struct snd_seq_real_time rt;
    rt.tv_sec = (unsigned int)(ns / 1000000000u);
    rt.tv_nsec = (unsigned int)(ns % 1000000000u);
    return rt;
}

static int queue_is_used_by(const struct queue *q, int client)
{
    return (q->users[client / 8] >> (client % 8)) & 1;
}

static void queue_set_user(struct queue *q, int client, int used)
{
    if (used)
        q->users[client / 8] |= (unsigned char)(1u << (client % 8));
    else
        q->users[client / 8] &= (unsigned char)~(1u << (client % 8));
}

static int queue_access(const struct queue *q, int client)
{
    return q->owner == client || !q->locked;
}

/* kernel: update_timestamp_of_queue */
static void stamp_event(struct snd_seq_event *ev, int queue, int real)
{
    struct queue *q = queue_ptr(queue);
    if (!q)
        return;
    ev->queue = (unsigned char)queue;
    ev->flags &= (unsigned char)~SNDRV_SEQ_TIME_STAMP_MASK;
    if (real) {
        ev->time.time = ns_to_rt(queue_ns(q));
        ev->flags |= SNDRV_SEQ_TIME_STAMP_REAL;
    } else {
        ev->time.tick = (unsigned int)queue_tick(q);
    }
}

/* ---- the client's wake-up byte ---- */

static void update_signal(struct client *c)
{
    char byte = 'e';
    if (c->head && !c->signalled) {
        if (send(c->peer, &byte, 1, MSG_DONTWAIT | MSG_NOSIGNAL) == 1)
            c->signalled = 1;
    } else if (!c->head && c->signalled) {
        if (recv(c->fd, &byte, 1, MSG_DONTWAIT) == 1)
            c->signalled = 0;
    }
}

static void fifo_free(struct client *c)
{
    struct cell *cell = c->head;
    while (cell) {
        struct cell *next = cell->next;
        free(cell);
        cell = next;
    }
    c->head = c->tail = NULL;
    c->input_used = 0;
    c->overflow = 0;
}

static void fifo_clear(struct client *c)
{
    fifo_free(c);
    update_signal(c);
}

/* kernel: snd_seq_fifo_event_in */
static int fifo_in(struct client *c, const struct snd_seq_event *ev,
                   const unsigned char *payload, size_t extlen)
{
    size_t padded = 0, extra = 0;
    struct cell *cell;

    if (is_variable(ev)) {
        extra = (extlen + EV_SIZE - 1) / EV_SIZE;
        padded = extra * EV_SIZE;
    }
    if (extra >= (size_t)c->input_pool) {
        c->overflow++;
        return -ENOMEM;
    }
    if (extra + 1 > (size_t)(c->input_pool - c->input_used)) {
        c->overflow++;
        return -EAGAIN;
    }
    cell = malloc(sizeof(*cell) + EV_SIZE + padded);
    if (!cell)
        return -ENOMEM;
    cell->next = NULL;
    cell->ncells = (unsigned)(extra + 1);
    cell->size = EV_SIZE + padded;
    memcpy(cell->data, ev, EV_SIZE);
    if (is_variable(ev)) {
        struct snd_seq_event *copy = (struct snd_seq_event *)cell->data;
        copy->data.ext.len = (unsigned int)extlen;
        copy->data.ext.ptr = NULL;
        if (extlen)
            memcpy(cell->data + EV_SIZE, payload, extlen);
        memset(cell->data + EV_SIZE + extlen, 0, padded - extlen);
    }
    if (c->tail)
        c->tail->next = cell;
    else
        c->head = cell;
    c->tail = cell;
    c->input_used += (int)cell->ncells;
    update_signal(c);
    return 0;
}

/* ------------------------------------------------------------------ */
/* event routing                                                        */

static int deliver(struct snd_seq_event *ev, const unsigned char *payload,
                   size_t extlen, int hop);

static void announce(int type, const struct snd_seq_addr *addr,
                     const struct snd_seq_connect *conn)
{
    struct snd_seq_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = (unsigned char)type;
    ev.flags = SNDRV_SEQ_EVENT_LENGTH_FIXED;
    ev.queue = SNDRV_SEQ_QUEUE_DIRECT;
    ev.source.client = SYSTEM_CLIENT;
    ev.source.port = SNDRV_SEQ_PORT_SYSTEM_ANNOUNCE;
    ev.dest.client = SNDRV_SEQ_ADDRESS_SUBSCRIBERS;
    if (addr)
        ev.data.addr = *addr;
    if (conn)
        ev.data.connect = *conn;
    deliver(&ev, NULL, 0, 0);
}

/* an event arrived on the system timer port: queue control */
static int queue_control(const struct snd_seq_event *ev, int hop)
{
    struct queue *q;
    struct snd_seq_event out;

    switch (ev->type) {
    case SNDRV_SEQ_EVENT_START:
    case SNDRV_SEQ_EVENT_CONTINUE:
    case SNDRV_SEQ_EVENT_STOP:
    case SNDRV_SEQ_EVENT_SETPOS_TICK:
    case SNDRV_SEQ_EVENT_SETPOS_TIME:
    case SNDRV_SEQ_EVENT_TEMPO:
    case SNDRV_SEQ_EVENT_QUEUE_SKEW:
        break;
    default:
        return 0;
    }
    q = queue_ptr(ev->data.queue.queue);
    if (!q)
        return -EINVAL;
    if (!queue_access(q, ev->source.client))
        return -EPERM;

    queue_rebase(q);
    switch (ev->type) {
    case SNDRV_SEQ_EVENT_START:
        q->base_ns = 0;
        q->base_tick = 0;
        q->running = 1;
        q->started_ns = now_ns();
        break;
    case SNDRV_SEQ_EVENT_CONTINUE:
        if (!q->running) {
            q->running = 1;
            q->started_ns = now_ns();
        }
        break;
    case SNDRV_SEQ_EVENT_STOP:
        q->running = 0;
        break;
    case SNDRV_SEQ_EVENT_SETPOS_TICK:
        q->base_tick = ev->data.queue.param.time.tick;
        break;
    case SNDRV_SEQ_EVENT_SETPOS_TIME:
        q->base_ns = (uint64_t)ev->data.queue.param.time.time.tv_sec * 1000000000u
                     + ev->data.queue.param.time.time.tv_nsec;
        break;
    case SNDRV_SEQ_EVENT_TEMPO:
        if (ev->data.queue.param.value > 0)
            q->tempo = (unsigned int)ev->data.queue.param.value;
        break;
    case SNDRV_SEQ_EVENT_QUEUE_SKEW:
        if (ev->data.queue.param.skew.base == SKEW_BASE && ev->data.queue.param.skew.value > 0)
            q->skew_value = ev->data.queue.param.skew.value;
        break;
    }

    /* tell the timer port's subscribers, stamped with the queue position */
    out = *ev;
    out.flags = SNDRV_SEQ_TIME_STAMP_TICK | SNDRV_SEQ_TIME_MODE_ABS;
    out.time.tick = (unsigned int)queue_tick(q);
    out.data.queue.queue = ev->data.queue.queue;
    out.queue = SNDRV_SEQ_QUEUE_DIRECT;
    out.source.client = SYSTEM_CLIENT;
    out.source.port = SNDRV_SEQ_PORT_SYSTEM_TIMER;
    out.dest.client = SNDRV_SEQ_ADDRESS_SUBSCRIBERS;
    deliver(&out, NULL, 0, hop);
    return 0;
}

/* snd-seq-dummy: pass the event on to our own subscribers */
static int through_input(const struct snd_seq_event *ev, const struct port *p,
                         const unsigned char *payload, size_t extlen, int hop)
{
    struct snd_seq_event out;
    int r;

    if (ev->source.client == SYSTEM_CLIENT || ev->type == SNDRV_SEQ_EVENT_KERNEL_ERROR)
        return 0;
    out = *ev;
    out.source.client = THROUGH_CLIENT;
    out.source.port = (unsigned char)p->num;
    out.dest.client = SNDRV_SEQ_ADDRESS_SUBSCRIBERS;
    out.queue = SNDRV_SEQ_QUEUE_DIRECT;
    r = deliver(&out, payload, extlen, hop);
    return r < 0 ? r : 0;
}

/* kernel: snd_seq_deliver_single_event (without error bounces) */
static int deliver_single(struct snd_seq_event *ev, const unsigned char *payload,
                          size_t extlen, unsigned int filter, int hop)
{
    struct client *dc = client_ptr(ev->dest.client);
    struct port *dp;

    if (!dc)
        return -ENOENT;
    if (dc->type == USER_CLIENT && !dc->accept_input)
        return -ENOENT;
    if ((dc->filter & SNDRV_SEQ_FILTER_USE_EVENT) &&
        !((dc->event_filter[ev->type / 8] >> (ev->type % 8)) & 1))
        return -ENOENT;
    if (filter && !(dc->filter & filter))
        return -ENOENT;
    dp = port_ptr(dc, ev->dest.port);
    if (!dp)
        return -ENOENT;
    if (!(dp->capability & SNDRV_SEQ_PORT_CAP_WRITE))
        return -EPERM;
    if (dp->timestamping)
        stamp_event(ev, dp->time_queue, dp->time_real);

    if (dc->type == USER_CLIENT)
        return fifo_in(dc, ev, payload, extlen);
    if (dc->num == SYSTEM_CLIENT && dp->num == SNDRV_SEQ_PORT_SYSTEM_TIMER)
        return queue_control(ev, hop);
    if (dc->num == THROUGH_CLIENT)
        return through_input(ev, dp, payload, extlen, hop);
    return 0;
}

static int deliver_to_subscribers(struct snd_seq_event *ev, const unsigned char *payload,
                                  size_t extlen, int hop)
{
    struct snd_seq_event saved = *ev;
    struct subscription *s;
    int result = 0, count = 0;

    if (!port_ptr(client_ptr(ev->source.client), ev->source.port))
        return -EINVAL;
    for (s = g_subs; s; s = s->next) {
        int err;
        if (!addr_eq(s->sender, saved.source))
            continue;
        *ev = saved;
        ev->dest = s->dest;
        if (s->flags & SNDRV_SEQ_PORT_SUBS_TIMESTAMP)
            stamp_event(ev, s->queue, (s->flags & SNDRV_SEQ_PORT_SUBS_TIME_REAL) != 0);
        err = deliver_single(ev, payload, extlen, 0, hop);
        if (err < 0) {
            if (!result)
                result = err;
            continue;
        }
        count++;
    }
    *ev = saved;
    return result < 0 ? result : count;
}

static int deliver_broadcast(struct snd_seq_event *ev, const unsigned char *payload,
                             size_t extlen, int hop)
{
    struct snd_seq_addr saved = ev->dest;
    int result = 0, count = 0, i, p;
    int all_clients = saved.client == SNDRV_SEQ_ADDRESS_BROADCAST;

    for (i = 0; i < MAX_CLIENTS; i++) {
        struct client *c = g_clients[i];
        if (!c || (all_clients && i == ev->source.client) || (!all_clients && i != saved.client))
            continue;
        for (p = 0; p < MAX_PORTS; p++) {
            int err;
            if (saved.port != SNDRV_SEQ_ADDRESS_BROADCAST && p != saved.port)
                continue;
            if (!c->ports[p])
                continue;
            ev->dest.client = (unsigned char)i;
            ev->dest.port = (unsigned char)p;
            err = deliver_single(ev, payload, extlen, SNDRV_SEQ_FILTER_BROADCAST, hop);
            if (err < 0) {
                if (!result)
                    result = err;
                continue;
            }
            count++;
        }
    }
    ev->dest = saved;
    return result < 0 ? result : count;
}

/* kernel: snd_seq_deliver_event.  Returns the number of deliveries or -errno. */
static int deliver(struct snd_seq_event *ev, const unsigned char *payload,
                   size_t extlen, int hop)
{
    if (++hop >= MAX_HOPS)
        return -EMLINK;
    if (ev->queue == SNDRV_SEQ_ADDRESS_SUBSCRIBERS ||
        ev->dest.client == SNDRV_SEQ_ADDRESS_SUBSCRIBERS)
        return deliver_to_subscribers(ev, payload, extlen, hop);
    if (ev->queue == SNDRV_SEQ_ADDRESS_BROADCAST ||
        ev->dest.client == SNDRV_SEQ_ADDRESS_BROADCAST ||
        ev->dest.port == SNDRV_SEQ_ADDRESS_BROADCAST)
        return deliver_broadcast(ev, payload, extlen, hop);
    return deliver_single(ev, payload, extlen, 0, hop);
}

static void add_time(struct snd_seq_event *ev, const struct queue *q)
{
    if ((ev->flags & SNDRV_SEQ_TIME_STAMP_MASK) == SNDRV_SEQ_TIME_STAMP_REAL) {
        uint64_t t = queue_ns(q) + (uint64_t)ev->time.time.tv_sec * 1000000000u
                     + ev->time.time.tv_nsec;
        ev->time.time = ns_to_rt(t);
    } else {
        ev->time.tick += (unsigned int)queue_tick(q);
    }
}

/* kernel: snd_seq_client_enqueue_event; scheduled events are delivered at once */
static int enqueue_event(struct client *c, struct snd_seq_event *ev,
                         const unsigned char *payload, size_t extlen)
{
    struct queue *q;
    int err;

    if (ev->queue == SNDRV_SEQ_ADDRESS_SUBSCRIBERS) {
        ev->dest.client = SNDRV_SEQ_ADDRESS_SUBSCRIBERS;
        ev->queue = SNDRV_SEQ_QUEUE_DIRECT;
    } else if (ev->queue == SNDRV_SEQ_ADDRESS_BROADCAST) {
        ev->dest.client = SNDRV_SEQ_ADDRESS_BROADCAST;
        ev->queue = SNDRV_SEQ_QUEUE_DIRECT;
    }
    if (ev->dest.client == SNDRV_SEQ_ADDRESS_SUBSCRIBERS && !port_ptr(c, ev->source.port))
        return -EINVAL;

    if (is_direct(ev)) {
        if (ev->type == SNDRV_SEQ_EVENT_NOTE)
            return -EINVAL;
        err = deliver(ev, payload, extlen, 0);
        return err < 0 ? err : 0;
    }

    q = queue_ptr(ev->queue);
    if (!q || !queue_is_used_by(q, c->num))
        return -EINVAL;
    if ((ev->flags & SNDRV_SEQ_TIME_MODE_MASK) == SNDRV_SEQ_TIME_MODE_REL) {
        add_time(ev, q);
        ev->flags &= (unsigned char)~SNDRV_SEQ_TIME_MODE_MASK;
        ev->flags |= SNDRV_SEQ_TIME_MODE_ABS;
    }
    if (ev->type == SNDRV_SEQ_EVENT_NOTE) {
        struct snd_seq_event on = *ev, off = *ev;
        on.type = SNDRV_SEQ_EVENT_NOTEON;
        err = deliver(&on, payload, extlen, 0);
        off.type = SNDRV_SEQ_EVENT_NOTEOFF;
        off.flags |= SNDRV_SEQ_PRIORITY_HIGH;
        off.data.note.velocity = off.data.note.off_velocity;
        if ((off.flags & SNDRV_SEQ_TIME_STAMP_MASK) == SNDRV_SEQ_TIME_STAMP_REAL) {
            uint64_t t = (uint64_t)off.time.time.tv_sec * 1000000000u + off.time.time.tv_nsec
                         + (uint64_t)off.data.note.duration * 1000000u;
            off.time.time = ns_to_rt(t);
        } else {
            off.time.tick += off.data.note.duration;
        }
        if (err >= 0)
            err = deliver(&off, payload, extlen, 0);
    } else {
        err = deliver(ev, payload, extlen, 0);
    }
    /* the kernel reports delivery errors of queued events as bounces, not to write() */
    if (err < 0)
        DEBUG(2, "client %d: scheduled event type %d not delivered (errno %d)",
              c->num, ev->type, -err);
    return 0;
}

/* ------------------------------------------------------------------ */
/* clients, ports, subscriptions                                        */

static struct port *port_new(struct client *c, int num, const char *name)
{
    struct port *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->num = num;
    if (name)
        copy_name(p->name, name, sizeof(p->name));
    else
        snprintf(p->name, sizeof(p->name), "port-%d", num);
    c->ports[num] = p;
    c->num_ports++;
    return p;
}

static int sub_count(struct snd_seq_addr a, int as_sender)
{
    struct subscription *s;
    int n = 0;
    for (s = g_subs; s; s = s->next)
        if (addr_eq(as_sender ? s->sender : s->dest, a))
            n++;
    return n;
}

static void remove_subscriptions_of(struct snd_seq_addr a)
{
    struct subscription **link = &g_subs;
    while (*link) {
        struct subscription *s = *link;
        if (addr_eq(s->sender, a) || addr_eq(s->dest, a)) {
            struct snd_seq_connect conn;
            conn.sender = s->sender;
            conn.dest = s->dest;
            *link = s->next;
            free(s);
            announce(SNDRV_SEQ_EVENT_PORT_UNSUBSCRIBED, NULL, &conn);
        } else {
            link = &s->next;
        }
    }
}

static void port_delete(struct client *c, int num)
{
    struct snd_seq_addr a;
    a.client = (unsigned char)c->num;
    a.port = (unsigned char)num;
    free(c->ports[num]);
    c->ports[num] = NULL;
    c->num_ports--;
    remove_subscriptions_of(a);
    announce(SNDRV_SEQ_EVENT_PORT_EXIT, &a, NULL);
}

static void init_kernel_clients(void)
{
    static const unsigned int dummy_caps = SNDRV_SEQ_PORT_CAP_READ | SNDRV_SEQ_PORT_CAP_WRITE |
                                           SNDRV_SEQ_PORT_CAP_SUBS_READ | SNDRV_SEQ_PORT_CAP_SUBS_WRITE;

    g_system.num = SYSTEM_CLIENT;
    g_system.type = KERNEL_CLIENT;
    strcpy(g_system.name, "System");
    g_system.fd = g_system.peer = -1;
    g_timer_port.num = SNDRV_SEQ_PORT_SYSTEM_TIMER;
    strcpy(g_timer_port.name, "Timer");
    g_timer_port.capability = SNDRV_SEQ_PORT_CAP_WRITE | SNDRV_SEQ_PORT_CAP_READ |
                              SNDRV_SEQ_PORT_CAP_SUBS_READ;
    g_announce_port.num = SNDRV_SEQ_PORT_SYSTEM_ANNOUNCE;
    strcpy(g_announce_port.name, "Announce");
    g_announce_port.capability = SNDRV_SEQ_PORT_CAP_READ | SNDRV_SEQ_PORT_CAP_SUBS_READ;
    g_system.ports[0] = &g_timer_port;
    g_system.ports[1] = &g_announce_port;
    g_system.num_ports = 2;
    g_clients[SYSTEM_CLIENT] = &g_system;

    g_through.num = THROUGH_CLIENT;
    g_through.type = KERNEL_CLIENT;
    strcpy(g_through.name, "Midi Through");
    g_through.fd = g_through.peer = -1;
    g_through_port.num = 0;
    strcpy(g_through_port.name, "Midi Through Port-0");
    g_through_port.capability = dummy_caps;
    g_through_port.type = SNDRV_SEQ_PORT_TYPE_MIDI_GENERIC | SNDRV_SEQ_PORT_TYPE_SOFTWARE |
                          SNDRV_SEQ_PORT_TYPE_PORT;
    g_through_port.midi_channels = 16;
    g_through.ports[0] = &g_through_port;
    g_through.num_ports = 1;
    g_clients[THROUGH_CLIENT] = &g_through;
}

/* remove a user client; fd_still_ours says whether its descriptor is still ours */
static void client_destroy(struct client *c, int fd_still_ours)
{
    struct snd_seq_addr a;
    int i;

    for (i = 0; i < MAX_PORTS; i++)
        if (c->ports[i])
            port_delete(c, i);
    for (i = 0; i < MAX_QUEUES; i++) {
        struct queue *q = &g_queues[i];
        if (!q->used)
            continue;
        if (q->owner == c->num)
            memset(q, 0, sizeof(*q));
        else
            queue_set_user(q, c->num, 0);
    }
    fifo_free(c);       /* no update_signal: fd may belong to someone else now */
    g_clients[c->num] = NULL;
    if (c->fd >= 0 && c->fd < FD_LIMIT)
        __atomic_store_n(&g_fdclient[c->fd], 0, __ATOMIC_RELEASE);
    if (fd_still_ours)
        shutdown(c->fd, SHUT_RDWR);     /* wakes threads blocked in read() */
    real_close(c->peer);
    a.client = (unsigned char)c->num;
    a.port = 0;
    free(c);
    announce(SNDRV_SEQ_EVENT_CLIENT_EXIT, &a, NULL);
}

/* the client behind fd, or NULL.  Called with the lock held. */
static struct client *lookup(int fd)
{
    struct client *c;
    struct stat st;
    int num;

    if (fd < 0 || fd >= FD_LIMIT)
        return NULL;
    num = __atomic_load_n(&g_fdclient[fd], __ATOMIC_ACQUIRE);
    if (!num)
        return NULL;
    c = client_ptr(num);
    if (!c || c->fd != fd) {
        __atomic_store_n(&g_fdclient[fd], 0, __ATOMIC_RELEASE);
        return NULL;
    }
    /* the descriptor may have been closed behind our back (close_range,
     * dup2 ...) and its number reused: the client is then gone, as it would
     * be in the kernel once its file is released */
    if (fstat(fd, &st) != 0 || st.st_ino != c->ino || st.st_dev != c->dev) {
        DEBUG(1, "client %d: descriptor %d was closed without close(); dropping the client",
              c->num, fd);
        client_destroy(c, 0);
        return NULL;
    }
    return c;
}

static int seq_marked(int fd)
{
    return fd >= 0 && fd < FD_LIMIT && __atomic_load_n(&g_fdclient[fd], __ATOMIC_ACQUIRE) != 0;
}

static int seq_open(int flags)
{
    int sv[2], acc = flags & O_ACCMODE, num, fl;
    struct client *c;
    struct stat st;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return -1;
    if (!(flags & O_CLOEXEC)) {
        fl = fcntl(sv[0], F_GETFD);
        if (fl >= 0)
            fcntl(sv[0], F_SETFD, fl & ~FD_CLOEXEC);
    }
    if (flags & O_NONBLOCK) {
        fl = fcntl(sv[0], F_GETFL);
        if (fl >= 0)
            fcntl(sv[0], F_SETFL, fl | O_NONBLOCK);
    }
    if (sv[0] >= FD_LIMIT || fstat(sv[0], &st) != 0) {
        real_close(sv[0]);
        real_close(sv[1]);
        errno = EMFILE;
        return -1;
    }
    c = calloc(1, sizeof(*c));
    if (!c) {
        real_close(sv[0]);
        real_close(sv[1]);
        errno = ENOMEM;
        return -1;
    }
    c->type = USER_CLIENT;
    c->fd = sv[0];
    c->peer = sv[1];
    c->dev = st.st_dev;
    c->ino = st.st_ino;
    c->accept_input = acc == O_RDONLY || acc == O_RDWR;
    c->accept_output = acc == O_WRONLY || acc == O_RDWR;
    c->output_pool = DEFAULT_OUTPUT_POOL;
    c->output_room = (DEFAULT_OUTPUT_POOL + 1) / 2;
    c->input_pool = c->accept_input ? g_input_pool : 0;

    pthread_mutex_lock(&g_lock);
    for (num = FIRST_USER_CLIENT; num < MAX_CLIENTS; num++)
        if (!g_clients[num])
            break;
    if (num >= MAX_CLIENTS) {
        pthread_mutex_unlock(&g_lock);
        free(c);
        real_close(sv[0]);
        real_close(sv[1]);
        errno = ENOMEM;
        return -1;
    }
    c->num = num;
    snprintf(c->name, sizeof(c->name), "Client-%d", num);
    g_clients[num] = c;
    __atomic_store_n(&g_fdclient[sv[0]], (unsigned char)num, __ATOMIC_RELEASE);
    {
        struct snd_seq_addr a;
        a.client = (unsigned char)num;
        a.port = 0;
        announce(SNDRV_SEQ_EVENT_CLIENT_START, &a, NULL);
    }
    pthread_mutex_unlock(&g_lock);
    DEBUG(2, "open %s flags 0x%x -> fd %d, client %d", SEQ_PATH, (unsigned)flags, sv[0], num);
    return sv[0];
}

/* ------------------------------------------------------------------ */
/* read / write                                                         */

static ssize_t seq_read(int fd, void *buf, size_t count)
{
    for (;;) {
        struct client *c;
        size_t done = 0;
        int nonblock;
        struct pollfd pfd;

        pthread_mutex_lock(&g_lock);
        c = lookup(fd);
        if (!c) {
            pthread_mutex_unlock(&g_lock);
            return real_read(fd, buf, count);
        }
        if (!c->accept_input) {
            pthread_mutex_unlock(&g_lock);
            errno = ENXIO;
            return -1;
        }
        if (count < EV_SIZE) {
            pthread_mutex_unlock(&g_lock);
            errno = EINVAL;
            return -1;
        }
        if (c->overflow) {
            DEBUG(1, "client %d: input FIFO overflowed; read() reports ENOSPC", c->num);
            fifo_clear(c);
            pthread_mutex_unlock(&g_lock);
            errno = ENOSPC;
            return -1;
        }
        if (c->head) {
            if (!buf) {
                pthread_mutex_unlock(&g_lock);
                errno = EFAULT;
                return -1;
            }
            while (c->head && c->head->size <= count - done) {
                struct cell *cell = c->head;
                memcpy((unsigned char *)buf + done, cell->data, cell->size);
                done += cell->size;
                c->head = cell->next;
                if (!c->head)
                    c->tail = NULL;
                c->input_used -= (int)cell->ncells;
                free(cell);
            }
            update_signal(c);
            pthread_mutex_unlock(&g_lock);
            if (done == 0) {
                /* the first event does not fit: the kernel says EAGAIN too */
                DEBUG(1, "read(%d, %zu): next event is larger than the buffer", fd, count);
                errno = EAGAIN;
                return -1;
            }
            DEBUG(2, "read(%d, %zu) -> %zu", fd, count, done);
            return (ssize_t)done;
        }
        nonblock = (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0;
        pthread_mutex_unlock(&g_lock);
        if (nonblock) {
            errno = EAGAIN;
            return -1;
        }
        pfd.fd = fd;
        pfd.events = POLLIN;
        pfd.revents = 0;
        if (poll(&pfd, 1, -1) < 0) {
            if (errno == EINTR)
                return -1;
            continue;
        }
        if (pfd.revents & POLLNVAL) {
            errno = EBADF;
            return -1;
        }
    }
}

static ssize_t seq_write(struct client *c, const void *buf, size_t count)
{
    const unsigned char *bytes = buf;
    size_t off = 0;
    int err = -EINVAL;

    if (!c->accept_output)
        return -ENXIO;
    if (!buf && count)
        return -EFAULT;
    while (count - off >= EV_SIZE) {
        struct snd_seq_event ev;
        const unsigned char *payload = NULL;
        size_t len = EV_SIZE, extlen = 0;

        memcpy(&ev, bytes + off, EV_SIZE);
        ev.source.client = (unsigned char)c->num;
        switch (ev.flags & SNDRV_SEQ_EVENT_LENGTH_MASK) {
        case SNDRV_SEQ_EVENT_LENGTH_FIXED:
            err = is_variable_type(&ev) ? -EINVAL : 0;
            break;
        case SNDRV_SEQ_EVENT_LENGTH_VARIABLE:
            err = is_variable_type(&ev) ? 0 : -EINVAL;
            break;
        default:
            DEBUG(1, "write: event type %d with unsupported length flags 0x%x",
                  ev.type, ev.flags & SNDRV_SEQ_EVENT_LENGTH_MASK);
            err = -EINVAL;
            break;
        }
        if (err < 0)
            break;
        if (ev.type == SNDRV_SEQ_EVENT_NONE) {
            off += len;
            continue;
        }
        if (is_variable(&ev)) {
            extlen = ev.data.ext.len & ~EXT_MASK;
            if (extlen > count - off - EV_SIZE) {
                err = -EINVAL;
                break;
            }
            payload = bytes + off + EV_SIZE;
            len += extlen;
        }
        err = enqueue_event(c, &ev, payload, extlen);
        if (err < 0)
            break;
        off += len;
    }
    if (off)
        return (ssize_t)off;
    return err;
}

/* ------------------------------------------------------------------ */
/* ioctls                                                               */

static void fill_client_info(const struct client *c, struct snd_seq_client_info *info)
{
    info->client = c->num;
    info->type = c->type;
    copy_name(info->name, c->name, sizeof(info->name));
    info->filter = c->filter;
    info->event_lost = c->event_lost;
    memcpy(info->event_filter, c->event_filter, sizeof(info->event_filter));
    info->num_ports = c->num_ports;
    info->pid = c->type == USER_CLIENT ? (int)getpid() : -1;
    info->card = -1;
    memset(info->reserved, 0, sizeof(info->reserved));
}

static void fill_port_info(const struct client *c, const struct port *p,
                           struct snd_seq_port_info *info)
{
    struct snd_seq_addr a;
    a.client = (unsigned char)c->num;
    a.port = (unsigned char)p->num;
    info->addr = a;
    copy_name(info->name, p->name, sizeof(info->name));
    info->capability = p->capability;
    info->type = p->type;
    info->midi_channels = p->midi_channels;
    info->midi_voices = p->midi_voices;
    info->synth_voices = p->synth_voices;
    info->read_use = sub_count(a, 1);
    info->write_use = sub_count(a, 0);
    info->flags = 0;
    if (p->timestamping) {
        info->flags |= SNDRV_SEQ_PORT_FLG_TIMESTAMP;
        if (p->time_real)
            info->flags |= SNDRV_SEQ_PORT_FLG_TIME_REAL;
        info->time_queue = p->time_queue;
    }
}

static void set_port_info(struct port *p, const struct snd_seq_port_info *info)
{
    if (info->name[0])
        copy_name(p->name, info->name, sizeof(p->name));
    p->capability = info->capability;
    p->type = info->type;
    p->midi_channels = info->midi_channels;
    p->midi_voices = info->midi_voices;
    p->synth_voices = info->synth_voices;
    p->timestamping = (info->flags & SNDRV_SEQ_PORT_FLG_TIMESTAMP) != 0;
    p->time_real = (info->flags & SNDRV_SEQ_PORT_FLG_TIME_REAL) != 0;
    p->time_queue = info->time_queue;
}

static int subscription_ports(const struct snd_seq_port_subscribe *subs,
                              struct port **sport, struct port **dport)
{
    *sport = port_ptr(client_ptr(subs->sender.client), subs->sender.port);
    *dport = port_ptr(client_ptr(subs->dest.client), subs->dest.port);
    return *sport && *dport;
}

#define PERM_RD (SNDRV_SEQ_PORT_CAP_READ | SNDRV_SEQ_PORT_CAP_SUBS_READ)
#define PERM_WR (SNDRV_SEQ_PORT_CAP_WRITE | SNDRV_SEQ_PORT_CAP_SUBS_WRITE)

static int subscription_allowed(const struct client *c, const struct port *sport,
                                const struct port *dport,
                                const struct snd_seq_port_subscribe *subs)
{
    if (c->num != subs->sender.client && c->num != subs->dest.client) {
        if ((sport->capability & SNDRV_SEQ_PORT_CAP_NO_EXPORT) ||
            (dport->capability & SNDRV_SEQ_PORT_CAP_NO_EXPORT))
            return -EPERM;
    }
    if (c->num != subs->sender.client && (sport->capability & PERM_RD) != PERM_RD)
        return -EPERM;
    if (c->num != subs->dest.client && (dport->capability & PERM_WR) != PERM_WR)
        return -EPERM;
    return 0;
}

static struct subscription *find_subscription(struct snd_seq_addr sender, struct snd_seq_addr dest)
{
    struct subscription *s;
    for (s = g_subs; s; s = s->next)
        if (addr_eq(s->sender, sender) && addr_eq(s->dest, dest))
            return s;
    return NULL;
}

static int exclusive_conflict(struct snd_seq_addr a, int as_sender, int exclusive)
{
    struct subscription *s;
    for (s = g_subs; s; s = s->next) {
        if (!addr_eq(as_sender ? s->sender : s->dest, a))
            continue;
        if (exclusive || (s->flags & SNDRV_SEQ_PORT_SUBS_EXCLUSIVE))
            return 1;
    }
    return 0;
}

static void fill_queue_info(const struct queue *q, int num, struct snd_seq_queue_info *info)
{
    memset(info, 0, sizeof(*info));
    info->queue = num;
    info->owner = q->owner;
    info->locked = q->locked ? 1 : 0;
    copy_name(info->name, q->name, sizeof(info->name));
    info->flags = q->flags;
}

/* handlers work on a private copy of the argument; >= 0 means copy it back */
static int do_ioctl(struct client *c, unsigned long req, void *arg)
{
    switch (req) {
    case SNDRV_SEQ_IOCTL_PVERSION:
        *(int *)arg = SNDRV_SEQ_VERSION;
        return 0;

    case SNDRV_SEQ_IOCTL_USER_PVERSION:
        return 0;

    case SNDRV_SEQ_IOCTL_CLIENT_ID:
        *(int *)arg = c->num;
        return 0;

    case SNDRV_SEQ_IOCTL_SYSTEM_INFO: {
        struct snd_seq_system_info *info = arg;
        int i, n = 0, nq = 0;
        for (i = 0; i < MAX_CLIENTS; i++)
            n += g_clients[i] != NULL;
        for (i = 0; i < MAX_QUEUES; i++)
            nq += g_queues[i].used;
        memset(info, 0, sizeof(*info));
        info->queues = MAX_QUEUES;
        info->clients = MAX_CLIENTS;
        info->ports = MAX_PORTS;
        info->channels = 256;
        info->cur_clients = n;
        info->cur_queues = nq;
        return 0;
    }

    case SNDRV_SEQ_IOCTL_RUNNING_MODE: {
        struct snd_seq_running_info *info = arg;
        if (!client_ptr(info->client))
            return -ENOENT;
        if (info->big_endian || info->cpu_mode > sizeof(long))
            return -EINVAL;
        return 0;
    }

    case SNDRV_SEQ_IOCTL_GET_CLIENT_INFO: {
        struct snd_seq_client_info *info = arg;
        struct client *t = client_ptr(info->client);
        if (!t)
            return -ENOENT;
        fill_client_info(t, info);
        return 0;
    }

    case SNDRV_SEQ_IOCTL_SET_CLIENT_INFO: {
        struct snd_seq_client_info *info = arg;
        if (info->client != c->num)
            return -EPERM;
        if (info->type != c->type)
            return -EINVAL;
        if (info->name[0])
            copy_name(c->name, info->name, sizeof(c->name));
        c->filter = info->filter;
        c->event_lost = info->event_lost;
        memcpy(c->event_filter, info->event_filter, sizeof(c->event_filter));
        return 1;       /* _IOW: nothing to copy back */
    }

    case SNDRV_SEQ_IOCTL_QUERY_NEXT_CLIENT: {
        struct snd_seq_client_info *info = arg;
        int n = info->client + 1;
        if (n < 0)
            n = 0;
        for (; n < MAX_CLIENTS; n++)
            if (g_clients[n])
                break;
        if (n >= MAX_CLIENTS)
            return -ENOENT;
        fill_client_info(g_clients[n], info);
        return 0;
    }

    case SNDRV_SEQ_IOCTL_CREATE_PORT: {
        struct snd_seq_port_info *info = arg;
        struct port *p;
        struct snd_seq_addr a;
        int num;
        if (info->addr.client != c->num)
            return -EPERM;
        if (info->kernel)
            return -EINVAL;
        if (info->flags & SNDRV_SEQ_PORT_FLG_GIVEN_PORT) {
            num = info->addr.port;
            if (num >= MAX_PORTS)
                return -EINVAL;
            if (c->ports[num])
                return -EBUSY;
        } else {
            for (num = 0; num < MAX_PORTS; num++)
                if (!c->ports[num])
                    break;
            if (num >= MAX_PORTS)
                return -ENOMEM;
        }
        p = port_new(c, num, NULL);
        if (!p)
            return -ENOMEM;
        set_port_info(p, info);
        fill_port_info(c, p, info);
        a = info->addr;
        announce(SNDRV_SEQ_EVENT_PORT_START, &a, NULL);
        return 0;
    }

    case SNDRV_SEQ_IOCTL_DELETE_PORT: {
        struct snd_seq_port_info *info = arg;
        if (info->addr.client != c->num)
            return -EPERM;
        if (!port_ptr(c, info->addr.port))
            return -ENOENT;
        port_delete(c, info->addr.port);
        return 1;
    }

    case SNDRV_SEQ_IOCTL_GET_PORT_INFO: {
        struct snd_seq_port_info *info = arg;
        struct client *t = client_ptr(info->addr.client);
        struct port *p;
        if (!t)
            return -ENXIO;
        p = port_ptr(t, info->addr.port);
        if (!p)
            return -ENOENT;
        fill_port_info(t, p, info);
        return 0;
    }

    case SNDRV_SEQ_IOCTL_SET_PORT_INFO: {
        struct snd_seq_port_info *info = arg;
        struct port *p;
        if (info->addr.client != c->num)
            return -EPERM;
        p = port_ptr(c, info->addr.port);
        if (p) {
            struct snd_seq_addr a = info->addr;
            set_port_info(p, info);
            announce(SNDRV_SEQ_EVENT_PORT_CHANGE, &a, NULL);
        }
        return 1;
    }

    case SNDRV_SEQ_IOCTL_QUERY_NEXT_PORT: {
        struct snd_seq_port_info *info = arg;
        struct client *t = client_ptr(info->addr.client);
        int n;
        if (!t)
            return -ENXIO;
        n = (info->addr.port + 1) & 0xff;
        for (; n < MAX_PORTS; n++)
            if (t->ports[n])
                break;
        if (n >= MAX_PORTS)
            return -ENOENT;
        fill_port_info(t, t->ports[n], info);
        return 0;
    }

    case SNDRV_SEQ_IOCTL_SUBSCRIBE_PORT: {
        struct snd_seq_port_subscribe *subs = arg;
        struct port *sport, *dport;
        struct subscription *s, **link;
        struct snd_seq_connect conn;
        int err, excl = (subs->flags & SNDRV_SEQ_PORT_SUBS_EXCLUSIVE) != 0;
        if (!subscription_ports(subs, &sport, &dport))
            return -EINVAL;
        err = subscription_allowed(c, sport, dport, subs);
        if (err < 0)
            return err;
        if (find_subscription(subs->sender, subs->dest))
            return -EBUSY;
        if (exclusive_conflict(subs->sender, 1, excl) || exclusive_conflict(subs->dest, 0, excl))
            return -EBUSY;
        s = calloc(1, sizeof(*s));
        if (!s)
            return -ENOMEM;
        s->sender = subs->sender;
        s->dest = subs->dest;
        s->flags = subs->flags;
        s->queue = subs->queue;
        for (link = &g_subs; *link; link = &(*link)->next)
            ;
        *link = s;
        conn.sender = subs->sender;
        conn.dest = subs->dest;
        announce(SNDRV_SEQ_EVENT_PORT_SUBSCRIBED, NULL, &conn);
        return 1;
    }

    case SNDRV_SEQ_IOCTL_UNSUBSCRIBE_PORT: {
        struct snd_seq_port_subscribe *subs = arg;
        struct port *sport, *dport;
        struct subscription **link;
        struct snd_seq_connect conn;
        int err;
        if (!subscription_ports(subs, &sport, &dport))
            return -ENXIO;
        err = subscription_allowed(c, sport, dport, subs);
        if (err < 0)
            return err;
        for (link = &g_subs; *link; link = &(*link)->next)
            if (addr_eq((*link)->sender, subs->sender) && addr_eq((*link)->dest, subs->dest))
                break;
        if (!*link)
            return -ENOENT;
        {
            struct subscription *s = *link;
            *link = s->next;
            free(s);
        }
        conn.sender = subs->sender;
        conn.dest = subs->dest;
        announce(SNDRV_SEQ_EVENT_PORT_UNSUBSCRIBED, NULL, &conn);
        return 1;
    }

    case SNDRV_SEQ_IOCTL_GET_SUBSCRIPTION: {
        struct snd_seq_port_subscribe *subs = arg;
        struct subscription *s;
        if (!port_ptr(client_ptr(subs->sender.client), subs->sender.port))
            return -EINVAL;
        s = find_subscription(subs->sender, subs->dest);
        if (!s)
            return -ENOENT;
        memset(subs, 0, sizeof(*subs));
        subs->sender = s->sender;
        subs->dest = s->dest;
        subs->flags = s->flags;
        subs->queue = s->queue;
        return 0;
    }

    case SNDRV_SEQ_IOCTL_QUERY_SUBS: {
        struct snd_seq_query_subs *qs = arg;
        struct subscription *s;
        int as_sender, i = 0;
        if (!port_ptr(client_ptr(qs->root.client), qs->root.port))
            return -ENXIO;
        if (qs->type == SNDRV_SEQ_QUERY_SUBS_READ)
            as_sender = 1;
        else if (qs->type == SNDRV_SEQ_QUERY_SUBS_WRITE)
            as_sender = 0;
        else
            return -ENXIO;
        qs->num_subs = sub_count(qs->root, as_sender);
        for (s = g_subs; s; s = s->next) {
            if (!addr_eq(as_sender ? s->sender : s->dest, qs->root))
                continue;
            if (i++ == qs->index) {
                qs->addr = as_sender ? s->dest : s->sender;
                qs->flags = s->flags;
                qs->queue = s->queue;
                return 0;
            }
        }
        return -ENOENT;
    }

    case SNDRV_SEQ_IOCTL_CREATE_QUEUE: {
        struct snd_seq_queue_info *info = arg;
        struct queue *q;
        int n;
        for (n = 0; n < MAX_QUEUES; n++)
            if (!g_queues[n].used)
                break;
        if (n >= MAX_QUEUES)
            return -ENOMEM;
        q = &g_queues[n];
        memset(q, 0, sizeof(*q));
        q->used = 1;
        q->owner = c->num;
        q->locked = info->locked;
        q->flags = info->flags;
        q->tempo = 500000;
        q->ppq = 96;
        q->skew_value = q->skew_base = SKEW_BASE;
        q->timer_type = SNDRV_SEQ_TIMER_ALSA;
        q->timer_id.dev_class = SNDRV_TIMER_CLASS_GLOBAL;
        q->timer_id.dev_sclass = SNDRV_TIMER_SCLASS_NONE;
        q->timer_id.card = -1;
        q->timer_id.device = SNDRV_TIMER_GLOBAL_HRTIMER;
        if (info->name[0])
            copy_name(q->name, info->name, sizeof(q->name));
        else
            snprintf(q->name, sizeof(q->name), "Queue-%d", n);
        queue_set_user(q, c->num, 1);
        info->queue = n;
        info->locked = q->locked ? 1 : 0;
        info->owner = q->owner;
        copy_name(info->name, q->name, sizeof(info->name));
        return 0;
    }

    case SNDRV_SEQ_IOCTL_DELETE_QUEUE: {
        struct snd_seq_queue_info *info = arg;
        struct queue *q = queue_ptr(info->queue);
        if (!q)
            return -EINVAL;
        if (q->owner != c->num)
            return -EPERM;
        memset(q, 0, sizeof(*q));
        return 1;
    }

    case SNDRV_SEQ_IOCTL_GET_QUEUE_INFO: {
        struct snd_seq_queue_info *info = arg;
        int n = info->queue;
        struct queue *q = queue_ptr(n);
        if (!q)
            return -EINVAL;
        fill_queue_info(q, n, info);
        return 0;
    }

    case SNDRV_SEQ_IOCTL_SET_QUEUE_INFO: {
        struct snd_seq_queue_info *info = arg;
        struct queue *q = queue_ptr(info->queue);
        if (info->owner != c->num)
            return -EINVAL;
        if (!q)
            return -EINVAL;
        if (!queue_access(q, c->num))
            return -EPERM;
        q->owner = c->num;
        q->locked = info->locked;
        if (info->locked)
            queue_set_user(q, c->num, 1);
        copy_name(q->name, info->name, sizeof(q->name));
        return 0;
    }

    case SNDRV_SEQ_IOCTL_GET_NAMED_QUEUE: {
        struct snd_seq_queue_info *info = arg;
        char name[64];
        int n;
        copy_name(name, info->name, sizeof(name));
        for (n = 0; n < MAX_QUEUES; n++) {
            if (g_queues[n].used && strcmp(g_queues[n].name, name) == 0) {
                info->queue = n;
                info->owner = g_queues[n].owner;
                info->locked = g_queues[n].locked ? 1 : 0;
                return 0;
            }
        }
        return -EINVAL;
    }

    case SNDRV_SEQ_IOCTL_GET_QUEUE_STATUS: {
        struct snd_seq_queue_status *st = arg;
        int n = st->queue;
        struct queue *q = queue_ptr(n);
        if (!q)
            return -EINVAL;
        memset(st, 0, sizeof(*st));
        st->queue = n;
        st->events = 0;
        st->tick = (unsigned int)queue_tick(q);
        st->time = ns_to_rt(queue_ns(q));
        st->running = q->running;
        st->flags = (int)q->flags;
        return 0;
    }

    case SNDRV_SEQ_IOCTL_GET_QUEUE_TEMPO: {
        struct snd_seq_queue_tempo *t = arg;
        int n = t->queue;
        struct queue *q = queue_ptr(n);
        if (!q)
            return -EINVAL;
        memset(t, 0, sizeof(*t));
        t->queue = n;
        t->tempo = q->tempo;
        t->ppq = q->ppq;
        t->skew_value = q->skew_value;
        t->skew_base = q->skew_base;
        return 0;
    }

    case SNDRV_SEQ_IOCTL_SET_QUEUE_TEMPO: {
        struct snd_seq_queue_tempo *t = arg;
        struct queue *q = queue_ptr(t->queue);
        if (!q || !queue_access(q, c->num))
            return -EPERM;
        if (t->tempo == 0 || (int)t->tempo < 0 || t->ppq <= 0)
            return -EINVAL;
        if (q->running && t->ppq != q->ppq)
            return -EBUSY;
        if (t->skew_base > 0 && t->skew_base != SKEW_BASE)
            return -EINVAL;
        queue_rebase(q);
        q->tempo = t->tempo;
        q->ppq = t->ppq;
        if (t->skew_base > 0 && t->skew_value > 0)
            q->skew_value = t->skew_value;
        return 1;
    }

    case SNDRV_SEQ_IOCTL_GET_QUEUE_TIMER: {
        struct snd_seq_queue_timer *t = arg;
        int n = t->queue;
        struct queue *q = queue_ptr(n);
        if (!q)
            return -EINVAL;
        memset(t, 0, sizeof(*t));
        t->queue = n;
        t->type = q->timer_type;
        t->u.alsa.id = q->timer_id;
        t->u.alsa.resolution = q->resolution;
        return 0;
    }

    case SNDRV_SEQ_IOCTL_SET_QUEUE_TIMER: {
        struct snd_seq_queue_timer *t = arg;
        struct queue *q;
        if (t->type != SNDRV_SEQ_TIMER_ALSA)
            return -EINVAL;
        q = queue_ptr(t->queue);
        if (!q)
            return -EPERM;
        if (!queue_access(q, c->num))
            return -EPERM;
        q->timer_type = t->type;
        q->timer_id = t->u.alsa.id;
        q->resolution = t->u.alsa.resolution;
        return 1;
    }

    case SNDRV_SEQ_IOCTL_GET_QUEUE_CLIENT:
    case SNDRV_SEQ_IOCTL_SET_QUEUE_CLIENT: {
        struct snd_seq_queue_client *qc = arg;
        struct queue *q = queue_ptr(qc->queue);
        if (!q)
            return -EINVAL;
        if (req == SNDRV_SEQ_IOCTL_SET_QUEUE_CLIENT && qc->used >= 0)
            queue_set_user(q, c->num, qc->used != 0);
        qc->used = queue_is_used_by(q, c->num);
        qc->client = c->num;
        return 0;
    }

    case SNDRV_SEQ_IOCTL_GET_CLIENT_POOL: {
        struct snd_seq_client_pool *info = arg;
        struct client *t = client_ptr(info->client);
        if (!t)
            return -ENOENT;
        memset(info, 0, sizeof(*info));
        info->client = t->num;
        if (t->type == USER_CLIENT) {
            info->output_pool = t->output_pool;
            info->output_room = t->output_room;
            info->output_free = t->output_pool;
            info->input_pool = t->input_pool;
            info->input_free = t->input_pool - t->input_used;
        }
        return 0;
    }

    case SNDRV_SEQ_IOCTL_SET_CLIENT_POOL: {
        struct snd_seq_client_pool *info = arg;
        if (info->client != c->num)
            return -EINVAL;
        if (info->output_pool >= 1 && info->output_pool <= MAX_POOL)
            c->output_pool = info->output_pool;
        if (info->output_room > 0 && info->output_room <= c->output_pool)
            c->output_room = info->output_room;
        if (c->accept_input && info->input_pool >= 1 && info->input_pool <= MAX_POOL &&
            info->input_pool != c->input_pool) {
            /* like snd_seq_fifo_resize: the waiting events are dropped */
            fifo_clear(c);
            c->input_pool = info->input_pool;
        }
        return 1;
    }

    case SNDRV_SEQ_IOCTL_REMOVE_EVENTS: {
        struct snd_seq_remove_events *info = arg;
        if (info->remove_mode & SNDRV_SEQ_REMOVE_INPUT)
            fifo_clear(c);
        /* SNDRV_SEQ_REMOVE_OUTPUT: nothing is ever pending on our queues */
        return 1;
    }

    default:
        return -ENOTTY;
    }
}

static int seq_ioctl(struct client *c, unsigned long req, void *arg)
{
    union {
        int i;
        struct snd_seq_system_info system_info;
        struct snd_seq_running_info running_info;
        struct snd_seq_client_info client_info;
        struct snd_seq_port_info port_info;
        struct snd_seq_port_subscribe subscribe;
        struct snd_seq_query_subs query_subs;
        struct snd_seq_queue_info queue_info;
        struct snd_seq_queue_status queue_status;
        struct snd_seq_queue_tempo queue_tempo;
        struct snd_seq_queue_timer queue_timer;
        struct snd_seq_queue_client queue_client;
        struct snd_seq_client_pool client_pool;
        struct snd_seq_remove_events remove_events;
    } buf;
    size_t size = _IOC_SIZE(req);
    unsigned int dir = _IOC_DIR(req);
    int r;

    if (_IOC_TYPE(req) != 'S' || size > sizeof(buf))
        return -ENOTTY;
    if (size && !arg)
        return -EFAULT;
    memset(&buf, 0, sizeof(buf));
    if (dir & _IOC_WRITE)
        memcpy(&buf, arg, size);
    r = do_ioctl(c, req, &buf);
    if (r >= 0) {
        if ((dir & _IOC_READ) && r == 0)
            memcpy(arg, &buf, size);
        r = 0;
    }
    return r;
}

/* ------------------------------------------------------------------ */
/* interposed functions                                                 */

static void at_fork_prepare(void) { pthread_mutex_lock(&g_lock); }
static void at_fork_release(void) { pthread_mutex_unlock(&g_lock); }

static void resolve(void)
{
    const char *dbg = getenv("MIDOX_FAKESEQ_DEBUG");
    const char *pool = getenv("MIDOX_FAKESEQ_INPUT_POOL");
    real_open = (open_fn)dlsym(RTLD_NEXT, "open");
    real_open64 = (open_fn)dlsym(RTLD_NEXT, "open64");
    real_openat = (openat_fn)dlsym(RTLD_NEXT, "openat");
    real_openat64 = (openat_fn)dlsym(RTLD_NEXT, "openat64");
    real_open_2 = (open2_fn)dlsym(RTLD_NEXT, "__open_2");
    real_open64_2 = (open2_fn)dlsym(RTLD_NEXT, "__open64_2");
    real_openat_2 = (openat2_fn)dlsym(RTLD_NEXT, "__openat_2");
    real_openat64_2 = (openat2_fn)dlsym(RTLD_NEXT, "__openat64_2");
    real_close = (close_fn)dlsym(RTLD_NEXT, "close");
    real_ioctl = (ioctl_fn)dlsym(RTLD_NEXT, "ioctl");
    real_read = (read_fn)dlsym(RTLD_NEXT, "read");
    real_write = (write_fn)dlsym(RTLD_NEXT, "write");
    real_read_chk = (read_chk_fn)dlsym(RTLD_NEXT, "__read_chk");
    if (dbg && *dbg)
        g_debug = (*dbg >= '0' && *dbg <= '9') ? atoi(dbg) : 1;
    if (pool && atoi(pool) >= 1 && atoi(pool) <= MAX_POOL)
        g_input_pool = atoi(pool);
    pthread_mutex_lock(&g_lock);
    init_kernel_clients();
    pthread_mutex_unlock(&g_lock);
    pthread_atfork(at_fork_prepare, at_fork_release, at_fork_release);
}

static void ensure(void)
{
    pthread_once(&g_once, resolve);
}

__attribute__((constructor)) static void fakeseq_init(void)
{
    ensure();
}

static int is_seq_path(const char *path)
{
    return path && strcmp(path, SEQ_PATH) == 0;
}

static mode_t open_mode(int flags, va_list ap)
{
    if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
        return (mode_t)va_arg(ap, unsigned int);
    return 0;
}

static int no_function(void)
{
    errno = ENOSYS;
    return -1;
}

EXPORT int open(const char *path, int flags, ...)
{
    va_list ap;
    mode_t mode;
    ensure();
    va_start(ap, flags);
    mode = open_mode(flags, ap);
    va_end(ap);
    if (is_seq_path(path))
        return seq_open(flags);
    return real_open ? real_open(path, flags, mode) : no_function();
}

EXPORT int open64(const char *path, int flags, ...)
{
    va_list ap;
    mode_t mode;
    ensure();
    va_start(ap, flags);
    mode = open_mode(flags, ap);
    va_end(ap);
    if (is_seq_path(path))
        return seq_open(flags);
    return real_open64 ? real_open64(path, flags, mode) : no_function();
}

EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
    va_list ap;
    mode_t mode;
    ensure();
    va_start(ap, flags);
    mode = open_mode(flags, ap);
    va_end(ap);
    if (is_seq_path(path))
        return seq_open(flags);
    return real_openat ? real_openat(dirfd, path, flags, mode) : no_function();
}

EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
    va_list ap;
    mode_t mode;
    ensure();
    va_start(ap, flags);
    mode = open_mode(flags, ap);
    va_end(ap);
    if (is_seq_path(path))
        return seq_open(flags);
    return real_openat64 ? real_openat64(dirfd, path, flags, mode) : no_function();
}

EXPORT int __open_2(const char *path, int flags)
{
    ensure();
    if (is_seq_path(path))
        return seq_open(flags);
    return real_open_2 ? real_open_2(path, flags) : no_function();
}

EXPORT int __open64_2(const char *path, int flags)
{
    ensure();
    if (is_seq_path(path))
        return seq_open(flags);
    return real_open64_2 ? real_open64_2(path, flags) : no_function();
}

EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
    ensure();
    if (is_seq_path(path))
        return seq_open(flags);
    return real_openat_2 ? real_openat_2(dirfd, path, flags) : no_function();
}

EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
    ensure();
    if (is_seq_path(path))
        return seq_open(flags);
    return real_openat64_2 ? real_openat64_2(dirfd, path, flags) : no_function();
}

EXPORT int close(int fd)
{
    ensure();
    if (seq_marked(fd)) {
        struct client *c;
        pthread_mutex_lock(&g_lock);
        c = lookup(fd);
        if (c) {
            DEBUG(2, "close(%d): client %d", fd, c->num);
            client_destroy(c, 1);
        }
        pthread_mutex_unlock(&g_lock);
    }
    return real_close(fd);
}

EXPORT int ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    void *arg;
    ensure();
    va_start(ap, request);
    arg = va_arg(ap, void *);
    va_end(ap);
    /* handled by the kernel's VFS for every file, before the driver sees them */
    if (request == FIONBIO || request == FIOCLEX || request == FIONCLEX || request == FIOASYNC)
        return real_ioctl(fd, request, arg);
    if (seq_marked(fd)) {
        struct client *c;
        int r = 0;
        pthread_mutex_lock(&g_lock);
        c = lookup(fd);
        if (c)
            r = seq_ioctl(c, request, arg);
        pthread_mutex_unlock(&g_lock);
        if (c) {
            if (r == -ENOTTY)
                DEBUG(1, "unknown ioctl 0x%08lx (type '%c', nr 0x%02x, size %u) on client %d",
                      request, (int)_IOC_TYPE(request) >= 32 ? (int)_IOC_TYPE(request) : '?',
                      (unsigned)_IOC_NR(request), (unsigned)_IOC_SIZE(request), c->num);
            else
                DEBUG(2, "ioctl(%d, 0x%08lx nr 0x%02x) -> %d", fd, request,
                      (unsigned)_IOC_NR(request), r);
            if (r < 0) {
                errno = -r;
                return -1;
            }
            return 0;
        }
    }
    return real_ioctl(fd, request, arg);
}

EXPORT ssize_t read(int fd, void *buf, size_t count)
{
    ensure();
    if (seq_marked(fd))
        return seq_read(fd, buf, count);
    return real_read(fd, buf, count);
}

EXPORT ssize_t __read_chk(int fd, void *buf, size_t count, size_t buflen)
{
    ensure();
    if (seq_marked(fd)) {
        if (count > buflen)
            abort();
        return seq_read(fd, buf, count);
    }
    return real_read_chk ? real_read_chk(fd, buf, count, buflen) : no_function();
}

EXPORT ssize_t write(int fd, const void *buf, size_t count)
{
    ensure();
    if (seq_marked(fd)) {
        struct client *c;
        ssize_t r = 0;
        pthread_mutex_lock(&g_lock);
        c = lookup(fd);
        if (c)
            r = seq_write(c, buf, count);
        pthread_mutex_unlock(&g_lock);
        if (c) {
            DEBUG(2, "write(%d, %zu) -> %zd", fd, count, r);
            if (r < 0) {
                errno = (int)-r;
                return -1;
            }
            return r;
        }
    }
    return real_write(fd, buf, count);
}
