package io.hedgerow.providers.sim;

import java.util.Locale;
import java.util.Optional;

/** A misbehaviour the simulated upstream can be told, or can decide at random, to show for one request. */
public enum Fault {
    NONE("none"),
    RATE_LIMIT("rate-limit"),
    SERVER_ERROR("server-error"),
    OVERLOADED("overloaded"),
    RESET("reset"),
    HANG("hang"),
    ABORT_MID_STREAM("abort-mid-stream");

    private final String wireName;

    Fault(String wireName) {
        this.wireName = wireName;
    }

    /** The spelling used in HOCON, in the {@code x-sim-fault} header and in {@code sim:fault=} directives. */
    public String wireName() {
        return wireName;
    }

    /** Reads a wire name; unknown names are ignored rather than rejected, so a typo never breaks a demo. */
    public static Optional<Fault> fromWireName(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (Fault fault : values()) {
            if (fault.wireName.equals(wanted)) {
                return Optional.of(fault);
            }
        }
        return Optional.empty();
    }
}
