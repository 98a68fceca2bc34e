package io.hedgerow.providers.sim;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Per-request behaviour forced by a caller, from {@code x-sim-*} headers or {@code sim:} directives in the
 * last user message. Empty fields fall back to the instance settings.
 */
record Overrides(
        Optional<Fault> fault,
        Optional<Duration> ttft,
        OptionalInt tokens,
        Optional<Duration> interTokenDelay,
        OptionalInt toolCalls) {

    /**
     * {@code sim:key=value} or {@code sim@instance:key=value}; the look-behind keeps words such as
     * {@code mysim:x=1} from counting.
     */
    private static final Pattern DIRECTIVE =
            Pattern.compile("(?<![\\w@:-])sim(?:@([\\w.-]+))?:([a-z-]+)=([\\w.-]+)");

    public static Overrides none() {
        return new Overrides(Optional.empty(), Optional.empty(), OptionalInt.empty(), Optional.empty(), OptionalInt.empty());
    }

    /** Reads {@code x-sim-fault}, {@code x-sim-ttft-ms}, {@code x-sim-tokens}, {@code x-sim-inter-token-ms} and {@code x-sim-tool-calls}. */
    public static Overrides fromHeaders(Map<String, String> lowerCaseHeaders) {
        Overrides result = none();
        for (String key : new String[] {"fault", "ttft-ms", "tokens", "inter-token-ms", "tool-calls"}) {
            String value = lowerCaseHeaders.get("x-sim-" + key);
            if (value != null) {
                result = result.with(key, value.trim());
            }
        }
        return result;
    }

    /**
     * Reads directives from message text. Directives scoped to {@code instanceName} beat unscoped ones,
     * wherever they appear, so one request can make one provider slow and another fast.
     */
    public static Overrides fromDirectives(String text, String instanceName) {
        Overrides scoped = none();
        Overrides unscoped = none();
        Matcher m = DIRECTIVE.matcher(text);
        while (m.find()) {
            String scope = m.group(1);
            if (scope == null) {
                unscoped = unscoped.with(m.group(2), m.group(3));
            } else if (scope.equalsIgnoreCase(instanceName)) {
                scoped = scoped.with(m.group(2), m.group(3));
            }
        }
        return scoped.orElse(unscoped);
    }

    /** Field by field, this one's value if present, else the fallback's. */
    public Overrides orElse(Overrides fallback) {
        return new Overrides(
                fault.or(fallback::fault),
                ttft.or(fallback::ttft),
                tokens.isPresent() ? tokens : fallback.tokens,
                interTokenDelay.or(fallback::interTokenDelay),
                toolCalls.isPresent() ? toolCalls : fallback.toolCalls);
    }

    /** A copy with one key set; malformed or unknown values are ignored so a typo never fails a request. */
    private Overrides with(String key, String value) {
        switch (key) {
            case "fault":
                return Fault.fromWireName(value)
                        .map(f -> new Overrides(Optional.of(f), ttft, tokens, interTokenDelay, toolCalls))
                        .orElse(this);
            case "ttft-ms":
                return millis(value)
                        .map(d -> new Overrides(fault, Optional.of(d), tokens, interTokenDelay, toolCalls))
                        .orElse(this);
            case "inter-token-ms":
                return millis(value)
                        .map(d -> new Overrides(fault, ttft, tokens, Optional.of(d), toolCalls))
                        .orElse(this);
            case "tokens":
                return count(value)
                        .map(n -> new Overrides(fault, ttft, OptionalInt.of(n), interTokenDelay, toolCalls))
                        .orElse(this);
            case "tool-calls":
                return count(value)
                        .map(n -> new Overrides(fault, ttft, tokens, interTokenDelay, OptionalInt.of(Math.max(1, n))))
                        .orElse(this);
            default:
                return this;
        }
    }

    private static Optional<Duration> millis(String value) {
        return count(value).map(Duration::ofMillis);
    }

    private static Optional<Integer> count(String value) {
        try {
            int n = Integer.parseInt(value);
            return n < 0 ? Optional.empty() : Optional.of(n);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
