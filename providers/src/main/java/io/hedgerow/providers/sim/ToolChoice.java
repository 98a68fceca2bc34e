package io.hedgerow.providers.sim;

/** What the request allows the model to do with the offered tools, in neutral terms. */
sealed interface ToolChoice {

    /** The model decides; the simulator always calls a tool when any is offered. */
    record Auto() implements ToolChoice {
    }

    /** Tools must not be called. */
    record None() implements ToolChoice {
    }

    /** A tool must be called, any of them. */
    record Required() implements ToolChoice {
    }

    /** This one tool must be called. */
    record Named(String name) implements ToolChoice {
    }

    ToolChoice AUTO = new Auto();
    ToolChoice NONE = new None();
    ToolChoice REQUIRED = new Required();
}
