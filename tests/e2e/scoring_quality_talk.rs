//! Ordinary ways of talking read like prose: numbers in words, speech
//! transcribed with fillers and hardly a full stop, non-native grammar,
//! bullet lists and markdown headings. Each style of the same strong
//! answer scores like the written original and above the weak twin said
//! the same way. The texts are written for this test.

use mockround::rounds::Catalog;
use mockround::scoring::{reader, ScoreReport};
use mockround::transcript::import;

const QUESTIONS: [&str; 3] = [
    "You have a fraud classifier trained on 2 million transactions where 0.5 percent are fraud. Accuracy is 99.4 percent. Is the model good?",
    "What would you change in training?",
    "How do you know it works in production?",
];

const STRONG: [&str; 3] = [
    "Not necessarily, because a model that predicts no fraud at all already gets 99.5 percent, so 99.4 is worse than the trivial baseline. I'd look at recall and precision on the fraud class instead, since with 10,000 fraud cases out of 2 million the ROC curve looks good even when precision is poor. If a missed fraud costs about 200 dollars and a false alarm costs 5 dollars of analyst time, the cost ratio is 40 to 1, so I'd set the threshold to minimise expected cost rather than use 0.5.",
    "I'd start with class weights, roughly 1 to 199 to match the base rate, because it is cheaper than resampling and keeps all 2 million rows. Oversampling with 3 or 4 copies of each fraud case risks memorising those 10,000 examples, so I'd only do it with a validation set split by time, since fraud patterns drift month to month. If the average precision on the last 2 weeks drops by more than 5 points against the previous month, the weights are overfitting to old patterns.",
    "I'd shadow it for 2 weeks on live traffic and compare its alerts with the analysts' decisions, because offline labels arrive 30 to 60 days late through chargebacks. The tradeoff is that a shadow period delays launch, but it costs less than a week of false alarms flooding a team of 12 analysts. I'd stop and retune if the alert volume goes above 300 a day, which is what the team can review.",
];

const WEAK: [&str; 3] = [
    "Accuracy is the number of correct predictions divided by the total number of predictions, and 99.4 percent is a really high accuracy. It is generally considered a good model when accuracy is that high. There are also other metrics like precision and recall that people use, and it depends on the use case.",
    "I'd probably try some different things, like maybe using a more powerful model such as XGBoost or a neural network. Class imbalance is a well known problem in machine learning, and there are techniques like SMOTE that are commonly used. I'd tune the hyperparameters and see what gives the best results.",
    "I think we would deploy it and monitor it. Monitoring is very important in production, and MLOps best practices say you should track your metrics. If something goes wrong we can retrain it.",
];

/// Numbers as people say them.
const IN_WORDS: &[(&str, &str)] = &[
    ("99.5 percent", "ninety-nine and a half percent"),
    ("99.4 percent", "ninety-nine point four percent"),
    ("so 99.4", "so ninety-nine point four"),
    ("10,000", "ten thousand"),
    ("2 million", "two million"),
    ("200 dollars", "two hundred dollars"),
    ("5 dollars", "five dollars"),
    ("40 to 1", "forty to one"),
    ("use 0.5", "use one half"),
    ("1 to 199", "one to a hundred and ninety-nine"),
    ("3 or 4", "three or four"),
    ("2 weeks", "two weeks"),
    ("5 points", "five points"),
    ("30 to 60 days", "thirty to sixty days"),
    ("of 12", "of twelve"),
    ("above 300", "above three hundred"),
];

fn in_words(a: &str) -> String {
    let mut out = a.to_string();
    for (d, w) in IN_WORDS {
        out = out.replace(d, w);
    }
    out
}

/// What a speech-to-text tool makes of it: no capitals, no punctuation,
/// fillers every few words, and "so" where the full stops were.
fn spoken(a: &str) -> String {
    let fillers = ["um", "uh", "you know", "like"];
    let mut out = String::from("yeah so um");
    for (i, sentence) in in_words(a).split(". ").enumerate() {
        if i > 0 {
            out.push_str(if i % 2 == 0 { " and then" } else { " so um" });
        }
        for (k, w) in sentence.split_whitespace().enumerate() {
            if k > 0 && k % 7 == 3 {
                out.push(' ');
                out.push_str(fillers[(i + k) % fillers.len()]);
            }
            out.push(' ');
            out.push_str(&w.to_lowercase().replace([',', '.', ';'], ""));
        }
    }
    out
}

/// The strong answers as a non-native speaker might write them.
const NON_NATIVE: [&str; 3] = [
    "Not necessary good, because model which predict no fraud at all is already getting 99.5 percent, so 99.4 is more worse than trivial baseline. I will look the recall and precision on fraud class instead, since with 10,000 fraud case from 2 million the ROC curve is looking good also when precision is poor. If one missed fraud cost around 200 dollars and false alarm cost 5 dollars of analyst time, the cost ratio is 40 to 1, so I will put threshold for minimise expected cost and not use 0.5.",
    "First I do class weights, around 1 to 199 for match the base rate, because it is more cheap than resampling and it keep all 2 million rows. Oversampling with 3 or 4 copy of each fraud case has risk to memorise these 10,000 examples, so I do it only with validation set which is split by time, since fraud pattern is drifting month to month. If average precision of last 2 weeks is dropping more than 5 points compare to previous month, the weights are overfit on old pattern.",
    "I will shadow it 2 weeks on live traffic and compare his alerts with the decision of analysts, because offline labels are coming 30 to 60 days late by chargebacks. Tradeoff is that shadow period make launch later, but it cost less than one week of false alarm which flood the team of 12 analysts. I stop and retune if alert volume is going above 300 per day, this is what team can review.",
];

/// The strong answers as notes: a heading, bullets, bold labels.
fn as_notes(a: &str) -> String {
    let mut out = String::from("## My take\n\n");
    for s in a.split(". ") {
        out.push_str(&format!("- {}\n", s.trim_end_matches('.')));
    }
    out
}

fn transcript(answers: &[String]) -> String {
    let mut out = String::from("# Round: ml-fundamentals\n\n");
    for (q, a) in QUESTIONS.iter().zip(answers) {
        out.push_str(&format!("Interviewer: {q}\n\nCandidate: {a}\n\n"));
    }
    out
}

fn score(answers: &[String]) -> ScoreReport {
    let cat = Catalog::builtin();
    let text = transcript(answers);
    let t = import::parse("t.txt", &text, None).unwrap();
    reader::score(cat.get("ml-fundamentals").unwrap(), &t)
}

fn overall(answers: &[String]) -> f64 {
    score(answers).overall.unwrap_or(0.0)
}

fn styled(style: fn(&str) -> String, answers: &[&str; 3]) -> Vec<String> {
    answers.iter().map(|a| style(a)).collect()
}

#[test]
fn every_style_of_the_strong_answer_reads_like_the_written_one() {
    let written = overall(&styled(|a| a.to_string(), &STRONG));
    assert!(written >= 3.0, "written: {written}");
    let styles: [(&str, Vec<String>); 4] = [
        ("numbers in words", styled(in_words, &STRONG)),
        ("spoken", styled(spoken, &STRONG)),
        (
            "non-native",
            NON_NATIVE.iter().map(|a| a.to_string()).collect(),
        ),
        ("notes", styled(as_notes, &STRONG)),
    ];
    for (name, answers) in styles {
        let got = overall(&answers);
        assert!(
            got >= 3.0 && (got - written).abs() <= 0.5,
            "{name}: {got} (written {written})"
        );
    }
}

#[test]
fn the_weak_twin_stays_weak_in_every_style() {
    let strong = overall(&styled(|a| a.to_string(), &STRONG));
    for (name, style) in [
        ("written", (|a: &str| a.to_string()) as fn(&str) -> String),
        ("numbers in words", in_words),
        ("spoken", spoken),
        ("notes", as_notes),
    ] {
        let weak = overall(&styled(style, &WEAK));
        assert!(weak <= 2.0 && weak < strong, "{name}: weak {weak}");
    }
}

#[test]
fn spoken_text_is_cut_into_sentences_where_speech_starts_a_new_thought() {
    let said = spoken(STRONG[0]);
    let pieces = mockround::text::sentences(&said);
    assert!(
        pieces.len() >= 3,
        "{:?}",
        pieces.iter().map(|s| s.text).collect::<Vec<_>>()
    );
    for p in &pieces {
        assert_eq!(&said[p.start..p.start + p.text.len()], p.text);
    }
    let notes = as_notes(STRONG[1]);
    let pieces = mockround::text::sentences(&notes);
    assert!(
        pieces.iter().any(|s| s.text == "## My take"),
        "{:?}",
        pieces.iter().map(|s| s.text).collect::<Vec<_>>()
    );
}
