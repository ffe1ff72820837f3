//! The JSON of one row's fact, written as text: numbers stay the exact
//! decimal literals they were made from (an amount never passes through
//! binary floating point), objects keep their field order.

/// A JSON value whose numbers are decimal literals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Json {
    Str(String),
    /// A number as its decimal literal (`12345`, `123.45`).
    Num(String),
    Bool(bool),
    List(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// A TOML constant as JSON: strings, integers, booleans, dates (as
    /// their text), arrays and tables; a float is refused (write an amount
    /// as an integer, or give it from a column).
    pub fn from_toml(v: toml::Value) -> Result<Json, String> {
        Ok(match v {
            toml::Value::String(s) => Json::Str(s),
            toml::Value::Integer(i) => Json::Num(i.to_string()),
            toml::Value::Boolean(b) => Json::Bool(b),
            toml::Value::Datetime(d) => Json::Str(d.to_string()),
            toml::Value::Float(f) => return Err(format!("{f} is a binary floating-point number; a constant is a string, an integer or a boolean")),
            toml::Value::Array(xs) => Json::List(xs.into_iter().map(Json::from_toml).collect::<Result<_, _>>()?),
            toml::Value::Table(t) => Json::Obj(t.into_iter().map(|(k, v)| Ok((k, Json::from_toml(v)?))).collect::<Result<_, String>>()?),
        })
    }

    /// The value as a template shows it: a string or number as such, a
    /// list's items joined with `、`.
    pub fn text(&self) -> String {
        match self {
            Json::Str(s) | Json::Num(s) => s.clone(),
            Json::Bool(b) => b.to_string(),
            Json::List(xs) => xs.iter().map(Json::text).collect::<Vec<_>>().join("、"),
            Json::Obj(kv) => kv.iter().map(|(_, v)| v.text()).collect::<Vec<_>>().join("、"),
        }
    }

    /// Appends the JSON text of the value to `out`.
    pub fn write(&self, out: &mut String) {
        match self {
            Json::Str(s) => out.push_str(&serde_json::Value::from(s.as_str()).to_string()),
            Json::Num(n) => out.push_str(n),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::List(xs) => {
                out.push('[');
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    x.write(out);
                }
                out.push(']');
            }
            Json::Obj(kv) => {
                out.push('{');
                for (i, (k, v)) in kv.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::Value::from(k.as_str()).to_string());
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Json;

    #[test]
    fn issue11_numbers_are_written_as_their_literal_and_strings_escaped() {
        let j = Json::Obj(vec![("a\"".into(), Json::Num("123.45".into())), ("b".into(), Json::List(vec![Json::Str("x\ny".into()), Json::Bool(true)]))]);
        let mut s = String::new();
        j.write(&mut s);
        assert_eq!(s, r#"{"a\"":123.45,"b":["x\ny",true]}"#);
        assert_eq!(Json::List(vec![Json::Str("甲".into()), Json::Str("乙".into())]).text(), "甲、乙");
        assert!(Json::from_toml(toml::Value::Float(1.5)).is_err());
    }
}
