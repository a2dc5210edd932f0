import Anser from 'anser';
import type { CSSProperties } from 'react';

const ESC = '\u001b';

/**
 * A job's text with its ANSI colours shown as colour: parsed into spans of
 * plain text, so nothing in it is ever taken for markup.
 */
export function AnsiText({ text }: { text: string }) {
  if (!text.includes(ESC)) return <>{text}</>;
  const chunks = Anser.ansiToJson(text, { json: true, remove_empty: true });
  let offset = 0;
  return (
    <>
      {chunks.map((c) => {
        // Where the chunk starts in the text: unique, and stable for a given line.
        const key = offset;
        offset += c.content.length;
        const style: CSSProperties = {};
        if (c.fg) style.color = `rgb(${c.fg})`;
        if (c.bg) style.backgroundColor = `rgb(${c.bg})`;
        if (c.decorations.includes('bold')) style.fontWeight = 'bold';
        if (c.decorations.includes('italic')) style.fontStyle = 'italic';
        if (c.decorations.includes('underline')) style.textDecoration = 'underline';
        return (
          <span key={key} style={style}>
            {c.content}
          </span>
        );
      })}
    </>
  );
}
