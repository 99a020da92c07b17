import { useEffect, useRef } from 'react';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { HighlightStyle, StreamLanguage, bracketMatching, syntaxHighlighting, type StringStream } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';
import { tags } from '@lezer/highlight';

/**
 * The Cedar editor (CodeMirror 6). Loaded only by the policy console, as its own chunk, so the other
 * screens do not carry it. Problems from the gateway's validation arrive as `problems` and show as
 * underlined ranges with a gutter marker.
 */
export interface EditorProblem {
  severity: 'error' | 'warning';
  message: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

const KEYWORDS = new Set(['permit', 'forbid', 'when', 'unless', 'in', 'has', 'like', 'is', 'if', 'then', 'else']);
const VARIABLES = new Set(['principal', 'action', 'resource', 'context']);

function stringRest(stream: StringStream, state: { inString: boolean }): string {
  while (!stream.eol()) {
    const ch = stream.next();
    if (ch === '\\') stream.next();
    else if (ch === '"') {
      state.inString = false;
      break;
    }
  }
  return 'string';
}

/** A small stream tokenizer: Cedar's grammar is simple enough that this highlights it faithfully. */
const cedar = StreamLanguage.define<{ inString: boolean }>({
  name: 'cedar',
  startState: () => ({ inString: false }),
  token(stream, state) {
    if (state.inString) return stringRest(stream, state);
    if (stream.eatSpace()) return null;
    if (stream.match('//')) {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.eat('"')) {
      state.inString = true;
      return stringRest(stream, state);
    }
    if (stream.match(/^@[A-Za-z_][\w]*/)) return 'meta';
    if (stream.match(/^-?\d+/)) return 'number';
    if (stream.match(/^[A-Za-z_][\w]*(?=::)/)) return 'typeName';
    const word = stream.match(/^[A-Za-z_][\w]*/) as RegExpMatchArray | null;
    if (word) {
      const w = word[0];
      if (KEYWORDS.has(w)) return 'keyword';
      if (VARIABLES.has(w)) return 'variableName';
      if (w === 'true' || w === 'false') return 'bool';
      return 'propertyName';
    }
    if (stream.match(/^(==|!=|<=|>=|&&|\|\||::)/) || stream.match(/^[<>!+\-*]/)) return 'operator';
    stream.next();
    return null;
  },
  languageData: { commentTokens: { line: '//' } },
});

// Colours with AA contrast on white.
const style = HighlightStyle.define([
  { tag: tags.keyword, color: '#7c2d12', fontWeight: '600' },
  { tag: tags.variableName, color: '#1e3a8a', fontWeight: '600' },
  { tag: tags.string, color: '#166534' },
  { tag: tags.comment, color: '#4b5563', fontStyle: 'italic' },
  { tag: tags.meta, color: '#6b21a8' },
  { tag: tags.number, color: '#9a3412' },
  { tag: tags.bool, color: '#9a3412' },
  { tag: tags.typeName, color: '#0f766e' },
  { tag: tags.operator, color: '#374151' },
]);

const theme = EditorView.theme({
  '&': { fontSize: '13px', border: '1px solid #6b7280', borderRadius: '4px', background: '#fff' },
  '.cm-content': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' },
  '.cm-gutters': { background: '#f3f4f6', color: '#374151', borderRight: '1px solid #d1d5db' },
  '.cm-scroller': { maxHeight: '60vh', overflow: 'auto' },
  '&.cm-focused': { outline: '3px solid #f59e0b' },
});

function toDiagnostics(doc: EditorState['doc'], problems: EditorProblem[]): Diagnostic[] {
  const pos = (line: number, column: number) => {
    const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
    return Math.min(l.from + Math.max(column - 1, 0), l.to);
  };
  return problems.map((p) => {
    if (!p.line) return { from: 0, to: Math.min(doc.length, 1), severity: p.severity, message: p.message };
    const from = pos(p.line, p.column ?? 1);
    let to = p.endLine ? pos(p.endLine, p.endColumn ?? 1) : from;
    if (to <= from) to = Math.min(from + 1, doc.length);
    return { from, to: Math.max(to, from), severity: p.severity, message: p.message };
  });
}

export default function CedarEditor(props: {
  value: string;
  onChange?: (text: string) => void;
  readOnly?: boolean;
  problems?: EditorProblem[];
  label: string;
  testId?: string;
  /** Moves the cursor there and scrolls it into view (a new object each time the user asks). */
  jumpTo?: { line: number; column: number };
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: props.value,
        extensions: [
          lineNumbers(),
          history(),
          drawSelection(),
          highlightActiveLine(),
          highlightActiveLineGutter(),
          bracketMatching(),
          cedar,
          syntaxHighlighting(style),
          lintGutter(),
          keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
          theme,
          EditorState.readOnly.of(!!props.readOnly),
          EditorView.editable.of(!props.readOnly),
          EditorView.contentAttributes.of({ 'aria-label': props.label }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) onChange.current?.(u.state.doc.toString());
          }),
        ],
      }),
    });
    // The scroller holds the text: reachable by keyboard (axe scrollable-region-focusable).
    v.scrollDOM.tabIndex = 0;
    view.current = v;
    return () => v.destroy();
    // The editor is created once per mount; new text from outside arrives through the effect below.
  }, [props.readOnly]);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== props.value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: props.value } });
  }, [props.value]);

  useEffect(() => {
    const v = view.current;
    if (v) v.dispatch(setDiagnostics(v.state, toDiagnostics(v.state.doc, props.problems ?? [])));
  }, [props.problems, props.value]);

  useEffect(() => {
    const v = view.current;
    if (!v || !props.jumpTo) return;
    const l = v.state.doc.line(Math.min(Math.max(props.jumpTo.line, 1), v.state.doc.lines));
    const pos = Math.min(l.from + Math.max(props.jumpTo.column - 1, 0), l.to);
    v.dispatch({ selection: { anchor: pos }, effects: EditorView.scrollIntoView(pos, { y: 'center' }) });
    v.focus();
  }, [props.jumpTo]);

  return <div ref={host} className="cedar-editor" translate="no" data-testid={props.testId ?? 'cedar-editor'} />;
}
