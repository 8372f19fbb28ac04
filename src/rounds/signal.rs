//! The kinds of move a sentence can make (a condition, a price, a hedge…).
//! Round files name them per dimension; the offline reader detects them.

/// One kind of move a sentence can make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Signal {
    /// "if", "when", "unless", "only if": a claim with a condition.
    Condition,
    /// "because", "so that", "which means": a reason.
    Causal,
    /// "at the cost of", "instead of", "the tradeoff is … vs …": a price named.
    Tradeoff,
    /// "fails", "breaks", "blind spot", "leaks": a failure case.
    Failure,
    /// "one caveat", "the catch", "be careful": a caveat.
    Caveat,
    /// "actually, I want to correct": revising an earlier claim.
    SelfCorrection,
    /// "I'm confident", "I'd check", "I'd measure": a decision or a check.
    Decision,
    /// "test", "assert", "verify", "finite difference": checking work.
    Verification,
    /// "probably", "I think", "I guess", "sort of".
    Hedge,
    /// "both sides", "it depends on the company's values": no position.
    BothSides,
    /// "not my decision", "leave it to the business", "their call".
    Defer,
    /// Vocabulary standing in for reasoning: "robust", "holistic", "flywheel".
    Buzz,
    /// Textbook recital: "is defined as", "stands for", "was introduced by".
    Definition,
    /// "I'd just use the library", "the framework handles it".
    Deflection,
    /// "try a few variations until it passes", "add some prints".
    Guess,
    /// "the model didn't work as expected", "general quality issues".
    Vague,
    /// "I decided", "my choice", "I should have": owning a decision.
    Ownership,
    /// "I'd push back", "I wouldn't build it", "No.": a stated position.
    Position,
    /// "they should have told us", "the other team's fault".
    Blame,
    /// "customers", "returns", "budget", "in her terms": business impact.
    Business,
    /// "like a scale that reads heavy": an analogy for a non-expert.
    Analogy,
    /// "O(n log n)", "amortized", "linear time": complexity reasoning.
    Complexity,
    /// "edge case", "empty input", "k of zero": edge cases.
    EdgeCase,
    /// "in practice it's fine", "should be okay", "not a big risk":
    /// waving a risk away.
    Dismissal,
    /// "industry standard", "research shows", "best practice": a norm or an
    /// authority standing in for a reason about this scenario.
    Convention,
    /// Technical terms that are often name-dropped: "agentic",
    /// "LLM-as-a-judge", "observability". Neutral by itself; weak when a
    /// sentence is mostly made of them with no reasoning or specifics.
    Jargon,
}

/// How many signals there are (the size of a [`Found`]).
pub const SIGNAL_COUNT: usize = Signal::Jargon as usize + 1;

impl Signal {
    /// The name used in round files (`strong_signals = ["tradeoff"]`).
    pub fn name(self) -> &'static str {
        match self {
            Signal::Condition => "condition",
            Signal::Causal => "causal",
            Signal::Tradeoff => "tradeoff",
            Signal::Failure => "failure",
            Signal::Caveat => "caveat",
            Signal::SelfCorrection => "self_correction",
            Signal::Decision => "decision",
            Signal::Verification => "verification",
            Signal::Hedge => "hedge",
            Signal::BothSides => "both_sides",
            Signal::Defer => "defer",
            Signal::Buzz => "buzz",
            Signal::Definition => "definition",
            Signal::Deflection => "deflection",
            Signal::Guess => "guess",
            Signal::Vague => "vague",
            Signal::Ownership => "ownership",
            Signal::Position => "position",
            Signal::Blame => "blame",
            Signal::Business => "business",
            Signal::Analogy => "analogy",
            Signal::Complexity => "complexity",
            Signal::EdgeCase => "edge_case",
            Signal::Dismissal => "dismissal",
            Signal::Convention => "convention",
            Signal::Jargon => "jargon",
        }
    }

    pub const ALL: [Signal; SIGNAL_COUNT] = [
        Signal::Condition,
        Signal::Causal,
        Signal::Tradeoff,
        Signal::Failure,
        Signal::Caveat,
        Signal::SelfCorrection,
        Signal::Decision,
        Signal::Verification,
        Signal::Hedge,
        Signal::BothSides,
        Signal::Defer,
        Signal::Buzz,
        Signal::Definition,
        Signal::Deflection,
        Signal::Guess,
        Signal::Vague,
        Signal::Ownership,
        Signal::Position,
        Signal::Blame,
        Signal::Business,
        Signal::Analogy,
        Signal::Complexity,
        Signal::EdgeCase,
        Signal::Dismissal,
        Signal::Convention,
        Signal::Jargon,
    ];

    pub fn from_name(name: &str) -> Option<Signal> {
        Signal::ALL.iter().copied().find(|s| s.name() == name)
    }
}
