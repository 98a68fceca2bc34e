package io.hedgerow.providers.chat.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A thread's bytes and JSON generator, kept from one SSE frame to the next: a new generator and buffer per
 * frame cost about 650 bytes before anything was written, on every chunk of every stream. The generator
 * stays open between frames and puts nothing between its root values; the bytes keep their largest block
 * (Jackson caps a block at 128 KiB). A frame that failed half-written leaves state no one should trust, so
 * {@link #discard()} it.
 */
final class FrameBuffer {
  private static final ThreadLocal<FrameBuffer> OF_THREAD = ThreadLocal.withInitial(FrameBuffer::new);

  final ByteArrayBuilder bytes = new ByteArrayBuilder(512);
  final JsonGenerator json;

  private FrameBuffer() {
    try {
      json = Json.FACTORY.createGenerator(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a generator over memory does no I/O
    }
    json.setRootValueSeparator(null);
  }

  /** This thread's buffer, empty. */
  static FrameBuffer ofThisThread() {
    return OF_THREAD.get();
  }

  /** The frame written so far, as one array; the buffer is empty again. */
  byte[] take() throws IOException {
    json.flush();
    byte[] frame = bytes.toByteArray();
    bytes.reset();
    return frame;
  }

  /** Forgets this thread's buffer after a failed write: the next frame starts from a new one. */
  void discard() {
    OF_THREAD.remove();
  }
}
