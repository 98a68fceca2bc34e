package io.hedgerow.providers.upstream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.NumberInput;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.hedgerow.providers.chat.json.Json;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.util.ByteString;

/**
 * The JSON objects of one upstream stream, one event at a time, read token by token: no tree, and no new
 * parser per event ({@link JsonEventFeed}). The stream decoders read every upstream event this way, since
 * a tree per event cost most of a chunk's allocation; a mapper of whole answers reads one {@link #body}.
 * Values convert as {@link JsonNode}'s do ({@code asText}, {@code asInt}, {@code isTextual}...), so a
 * decoder reads what it read from a tree; {@link #tree()} still reads a rare shape (an error, a list of
 * content parts) as one. Failures are {@link UpstreamJson}'s: a {@code server_error}. One per stream, or
 * per body; not thread-safe.
 *
 * <p>Walking: {@link #nextField()} or {@link #nextElement()} moves onto the next value; a value nobody
 * read is skipped on the next move, so unknown fields need no code. {@link #enterObject()} and
 * {@link #enterArray()} step into a container.
 */
public final class UpstreamJsonReader implements AutoCloseable {
  /** Names an event in errors; null in a body's reader. */
  private final String what;
  /** What a body's reader throws for bytes that are not JSON; null in a stream's, which names its event. */
  private final UpstreamError bodyNotJson;
  /** The stream's parser; null in a body's reader, which has one of its own. */
  private final JsonEventFeed feed;
  /** The current event's parser, between {@link #read} and {@link #close()}. */
  private JsonParser parser;
  /** The parser sits on a value that no one has read or skipped yet. */
  private boolean unread;

  /** A reader for the events of one stream; {@code what} names an event in errors, as for {@link UpstreamJson#object}. */
  public UpstreamJsonReader(String what) {
    this(what, null, new JsonEventFeed());
  }

  private UpstreamJsonReader(String what, UpstreamError bodyNotJson, JsonEventFeed feed) {
    this.what = what;
    this.bodyNotJson = bodyNotJson;
    this.feed = feed;
  }

  /**
   * A reader of one whole body, standing on its first value: {@link #enterObject()} steps into it when it is
   * an object. The body gets a parser of its own, made as {@code readTree} makes one (so encodings are
   * detected alike); bytes that are not JSON fail with {@code notJson}. {@link #close()} when done with it.
   */
  public static UpstreamJsonReader body(byte[] body, UpstreamError notJson) {
    UpstreamJsonReader r = new UpstreamJsonReader(null, notJson, null);
    try {
      r.parser = Json.FACTORY.createParser(body);
      r.unread = r.parser.nextToken() != null;
      return r;
    } catch (IOException e) {
      r.close();
      throw notJson.exception();
    }
  }

  /**
   * Starts reading {@code data}, inside its root object; {@link #close()} when done with it. Data that is
   * not a JSON object fails just as it does in {@link UpstreamJson#object}.
   */
  public UpstreamJsonReader read(ByteString data) {
    if (feed == null) throw new IllegalStateException("a body's reader reads that body only");
    try {
      parser = feed.open(data);
      unread = false;
      if (parser.nextToken() == JsonToken.START_OBJECT) return this;
    } catch (IOException e) {
      close();
      throw notJson();
    }
    close();
    UpstreamJson.object(data.toArrayUnsafe(), what); // not an object: fails with the same words as a tree would
    throw new IllegalStateException("a JSON value that is not an object was read as one");
  }

  /** Moves onto the next field's value in the current object; false at the object's end. */
  public boolean nextField() {
    try {
      skipUnread();
      if (next() == JsonToken.END_OBJECT) return false;
      next();
      unread = true;
      return true;
    } catch (IOException e) {
      throw notJson();
    }
  }

  /** The name of the field {@link #nextField()} moved onto. */
  public String field() {
    try {
      return parser.currentName();
    } catch (IOException e) {
      throw notJson();
    }
  }

  /** Moves onto the next element of the current array; false at the array's end. */
  public boolean nextElement() {
    try {
      skipUnread();
      if (next() == JsonToken.END_ARRAY) return false;
      unread = true;
      return true;
    } catch (IOException e) {
      throw notJson();
    }
  }

  /** Steps into the current value when it is an object (then walk it with {@link #nextField()}); else skips it. */
  public boolean enterObject() {
    return enter(JsonToken.START_OBJECT);
  }

  /** Steps into the current value when it is an array (then walk it with {@link #nextElement()}); else skips it. */
  public boolean enterArray() {
    return enter(JsonToken.START_ARRAY);
  }

  private boolean enter(JsonToken start) {
    if (parser.currentToken() != start) return false; // left unread: the next move skips it
    unread = false;
    return true;
  }

  /** {@code JsonNode.isObject()}. */
  public boolean isObject() {
    return parser.currentToken() == JsonToken.START_OBJECT;
  }

  /** {@code JsonNode.isArray()}. */
  public boolean isArray() {
    return parser.currentToken() == JsonToken.START_ARRAY;
  }

  /** {@code JsonNode.isNull()}. */
  public boolean isNull() {
    return parser.currentToken() == JsonToken.VALUE_NULL;
  }

  /** {@code JsonNode.isInt()}: an integer that fits an {@code int}. */
  public boolean isInt() {
    try {
      return parser.currentToken() == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.INT;
    } catch (IOException e) {
      throw notJson();
    }
  }

  /** {@code JsonNode.isNumber()}. */
  public boolean isNumber() {
    return parser.currentToken().isNumeric();
  }

  /** True when the value is the string {@code s}, without making a String of it. */
  public boolean isString(String s) {
    if (parser.currentToken() != JsonToken.VALUE_STRING) return false;
    try {
      if (parser.getTextLength() != s.length()) return false;
      char[] chars = parser.getTextCharacters();
      int offset = parser.getTextOffset();
      for (int i = 0; i < s.length(); i++) {
        if (chars[offset + i] != s.charAt(i)) return false;
      }
      unread = false;
      return true;
    } catch (IOException e) {
      throw notJson();
    }
  }

  /** The value when it is a string ({@code JsonNode.isTextual()}), else empty. */
  public Optional<String> string() {
    if (parser.currentToken() != JsonToken.VALUE_STRING) return Optional.empty();
    try {
      unread = false;
      return Optional.of(parser.getText());
    } catch (IOException e) {
      throw notJson();
    }
  }

  /** {@code JsonNode.asText(absent)}: numbers and booleans as their text, null as {@code absent}, containers as "". */
  public String text(String absent) {
    try {
      return switch (parser.currentToken()) {
        case VALUE_STRING -> parser.getText();
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue().toString();
        case VALUE_TRUE -> "true";
        case VALUE_FALSE -> "false";
        case START_OBJECT, START_ARRAY -> "";
        default -> absent;
      };
    } catch (IOException e) {
      throw notJson();
    } finally {
      skipUnread();
    }
  }

  /**
   * {@link #text(String)}, but {@code previous} itself when the value is that same string: a stream repeats
   * its id and model in every frame, and this keeps one copy of each.
   */
  public String repeatedText(String previous, String absent) {
    return isString(previous) ? previous : text(absent);
  }

  /**
   * {@link #text(String)}, but one of {@code known} itself when the value is that string: an event's type,
   * say, read from every event without making a new String of it each time.
   */
  public String knownText(List<String> known, String absent) {
    for (String k : known) {
      if (isString(k)) return k;
    }
    return text(absent);
  }

  /** {@code JsonNode.asInt(absent)}: numbers cast, numeric strings parsed, booleans as 1 and 0. */
  public int intValue(int absent) {
    try {
      return switch (parser.currentToken()) {
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue().intValue();
        case VALUE_STRING -> NumberInput.parseAsInt(parser.getText(), absent);
        case VALUE_TRUE -> 1;
        case VALUE_FALSE -> 0;
        default -> absent;
      };
    } catch (IOException e) {
      throw notJson();
    } finally {
      skipUnread();
    }
  }

  /** {@code JsonNode.asLong(absent)}, as {@link #intValue} for a {@code long}. */
  public long longValue(long absent) {
    try {
      return switch (parser.currentToken()) {
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue().longValue();
        case VALUE_STRING -> NumberInput.parseAsLong(parser.getText(), absent);
        case VALUE_TRUE -> 1;
        case VALUE_FALSE -> 0;
        default -> absent;
      };
    } catch (IOException e) {
      throw notJson();
    } finally {
      skipUnread();
    }
  }

  /**
   * {@code JsonNode.asBoolean(absent)}: booleans, integers other than 0, and the strings "true" and "false";
   * anything else (a fraction too) is {@code absent}.
   */
  public boolean booleanValue(boolean absent) {
    try {
      return switch (parser.currentToken()) {
        case VALUE_TRUE -> true;
        case VALUE_FALSE -> false;
        case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
            ? parser.getBigIntegerValue().signum() != 0 : parser.getLongValue() != 0;
        case VALUE_STRING -> {
          String s = parser.getText().trim();
          yield s.equals("true") || (!s.equals("false") && absent);
        }
        default -> absent;
      };
    } catch (IOException e) {
      throw notJson();
    } finally {
      skipUnread();
    }
  }

  /** The value as a tree, for the rare shapes a decoder hands to tree-reading code. */
  public JsonNode tree() {
    try {
      unread = false;
      JsonNode tree = Json.MAPPER.readTree(parser);
      return tree != null ? tree : NullNode.getInstance();
    } catch (IOException e) {
      throw notJson();
    }
  }

  /** Done with the event {@link #read} started, or with the {@link #body}. */
  @Override
  public void close() {
    if (feed != null) {
      feed.close();
    } else if (parser != null) {
      try {
        parser.close();
      } catch (IOException e) {
        // a parser of bytes in memory has nothing to release that closing did not already
      }
    }
    parser = null;
  }

  /** The stream ended: lets go of its parser (a later event would start another). */
  public void end() {
    if (feed != null) feed.end();
  }

  /**
   * The next token of the event. The stream's parser says a token is not available yet where the event's
   * bytes end inside its object, where a parser of the event alone reports the end of input: not JSON.
   */
  private JsonToken next() throws IOException {
    JsonToken t = parser.nextToken();
    if (t == null || t == JsonToken.NOT_AVAILABLE) throw notJson();
    return t;
  }

  private void skipUnread() {
    if (!unread) return;
    unread = false;
    try {
      parser.skipChildren();
    } catch (IOException e) {
      throw notJson();
    }
  }

  private UpstreamException notJson() {
    return (bodyNotJson != null ? bodyNotJson : UpstreamJson.notJson(what)).exception();
  }

}
