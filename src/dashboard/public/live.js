// The live event stream (`GET /_harp/api/events`), kept open across drops.

import { apiFetch, AuthRequired } from './api.js';
import { SseParser } from './sse.js';

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;
/** `stats` comes every second: this long without any event means the stream is stuck. */
const STALL_MS = 5000;

/**
 * Reads the stream with fetch() and a reader, reconnects with exponential backoff (0.5 s, 1 s,
 * 2 s, … 30 s; back to 0.5 s once a connection has delivered an event), and reports its state
 * so that the page can poll while it is down.
 *
 * `onEvent(type, data)` gets each event with its JSON parsed; `onState({ state, retryInMs })`
 * gets `connecting`, `open`, `down` (with the wait before the next try) and `auth` (a token is
 * needed; the stream stops until `start()` is called again).
 */
export class LiveStream {
  #onEvent;
  #onState;
  #running = false;
  /** Bumped by each start and stop, so that a loop left over from before ends for good. */
  #generation = 0;
  #controller = null;
  #wake = null;

  constructor({ onEvent, onState }) {
    this.#onEvent = onEvent;
    this.#onState = onState;
  }

  start() {
    if (this.#running) return;
    this.#running = true;
    void this.#loop(++this.#generation);
  }

  stop() {
    this.#running = false;
    this.#generation++;
    this.#controller?.abort();
    this.#wake?.();
  }

  async #loop(generation) {
    const current = () => this.#running && generation === this.#generation;
    let delay = FIRST_RETRY_MS;
    while (current()) {
      let delivered = false;
      try {
        delivered = await this.#connectOnce();
      } catch (error) {
        if (error instanceof AuthRequired) {
          if (current()) {
            this.#running = false;
            this.#onState({ state: 'auth' });
          }
          return;
        }
      }
      if (!current()) return;
      if (delivered) delay = FIRST_RETRY_MS;
      this.#onState({ state: 'down', retryInMs: delay });
      await this.#sleep(delay);
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
  }

  /** One connection, until it ends or fails; whether it delivered any event. */
  async #connectOnce() {
    const controller = new AbortController();
    this.#controller = controller;
    let delivered = false;
    let lastEventAt = Date.now();
    const watchdog = setInterval(() => {
      if (Date.now() - lastEventAt > STALL_MS) controller.abort();
    }, 1000);
    try {
      this.#onState({ state: 'connecting' });
      const res = await apiFetch('/events', { signal: controller.signal, headers: { Accept: 'text/event-stream' } });
      if (!res.ok || res.body === null) throw new Error(`the event stream answered ${res.status}`);
      this.#onState({ state: 'open' });
      lastEventAt = Date.now();
      const parser = new SseParser(({ type, data }) => {
        delivered = true;
        lastEventAt = Date.now();
        let parsed;
        try {
          parsed = JSON.parse(data);
        } catch {
          console.warn(`HARP dashboard: event ${type} is not JSON`);
          return;
        }
        this.#onEvent(type, parsed);
      });
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.push(value);
      }
    } catch (error) {
      if (error instanceof AuthRequired) throw error;
      // Dropped, refused or stuck: the caller waits and tries again.
    } finally {
      clearInterval(watchdog);
      controller.abort();
    }
    return delivered;
  }

  #sleep(ms) {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }
}
